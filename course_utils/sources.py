"""The lecture notes the course follows: one table, the only place their names are defined.

Notebooks, docstrings and the README cite a source by its ``name`` (for example "CSCI E-89B
Lecture 2 §2": § numbers count the lecture's own sections in order). Notebook 00 shows the table.

>>> SOURCES[0].name
'CSCI E-89B Lecture 2'
>>> source("COMP-550 Lecture 10").institution
'McGill University'
"""

from typing import NamedTuple


class Source(NamedTuple):
    name: str  # how the course cites it
    short: str  # in narrow tables (the README's notebook list)
    course: str  # the course the lecture belongs to
    institution: str
    topics: str  # what the course takes from it


SOURCES = (
    Source(
        "CSCI E-89B Lecture 2",
        "CSCI E-89B L2",
        "CSCI E-89B Introduction to Natural Language Processing, Lecture 2 (D. Kurochkin, fall 2024)",
        "Harvard Extension School",
        "the recurrent neuron and layer; SimpleRNN, LSTM, Embedding + LSTM and Bidirectional LSTM "
        "summaries; vanishing and exploding gradients; LSTM and GRU equations; input/output sequences",
    ),
    Source(
        "IIIT Hyderabad Intro to NLP",
        "IIIT-H NLP",
        'Introduction to NLP, "Recurrent Neural Nets" (R. Mishra, March 2024)',
        "IIIT Hyderabad",
        "sequence tasks; the RNN language model with softmax and averaged cross-entropy; backpropagation "
        "through time; the vanishing gradient by the chain rule; norm clipping (Algorithm 1); the GRU in "
        "Ng's notation",
    ),
    Source(
        "CS 505 notes",
        "CS 505",
        'CS 505 notes, "Neural Networks for Sequence Data: RNNs, GRUs, LSTMs; Deep RNNs"',
        "course lecture notes",
        "why feed-forward networks ignore order; the recurrence as a loop; GRU and LSTM pseudo-code; "
        "sequence-to-sequence and encoder-decoder; stacked RNNs; Conv1D with RNNs; bidirectional RNNs; "
        "character-level text generation",
    ),
    Source(
        "AIEI007 Lecture 10",
        "AIEI007 L10",
        "AIEI007 Natural Language Processing, L10: Recurrent neural networks - 2 (autumn 2024)",
        "course lecture slides",
        "bidirectional RNN formulas; LSTM and GRU equations; 4x the parameters; the MUT1-3 and LSTM "
        "ablation tables (Jozefowicz et al. 2015); practical advice; SRU (Lei et al. 2017)",
    ),
    Source(
        "COMP-550 Lecture 10",
        "COMP-550 L10",
        "COMP-550, Lecture 10: Recurrent Neural Networks (J. C. K. Cheung)",
        "McGill University",
        "feed-forward networks and SGD recap; the RNN as s_i = R(s_{i-1}, x_i); the LSTM and vanishing "
        "gradients; BiLSTM; the LSTM-CRF (transition + emission scores, NLL training, Viterbi)",
    ),
)


def source(name):
    """The :class:`Source` called ``name``; a clear error for a name the table does not define."""
    for entry in SOURCES:
        if entry.name == name:
            return entry
    raise ValueError(f"unknown source {name!r}; the course cites {[s.name for s in SOURCES]}.")


def sources_markdown():
    """The sources table as Markdown (notebook 00 displays it)."""
    lines = ["| cited as | short | lecture | from | what the course takes from it |", "|---|---|---|---|---|"]
    lines += [f"| **{s.name}** | {s.short} | {s.course} | {s.institution} | {s.topics} |" for s in SOURCES]
    return "\n".join(lines)
