#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Builds the tiny encoder fixtures used by the model runtime's unit tests.

Run from the repository root with Debian's PyTorch (``apt-get install python3-torch``, torch 1.13; plain
``python3`` from pyenv has no torch):

    /usr/bin/python3 src/test/resources/models/make_fixtures.py

It writes, under src/test/resources/models/:

  tiny-onnx/    tiny.onnx (inputs input_ids + attention_mask only), tokenizer.json, model.json  (mean pooling)
  tiny-pt/      tiny.pt (TorchScript, positional inputs input_ids, attention_mask, token_type_ids),
                tokenizer.json, model.json (mean pooling)
  tiny-zip/     tiny-pt.zip in the ml-commons layout (tiny.pt + tokenizer.json at the root), model.json
  tiny-pooled/  tiny-pooled.onnx that returns a mean-pooled, unit-length [batch, 16] embedding, tokenizer.json,
                model.json (pooling "none")
  tiny-dict/    tiny-dict.zip, a TorchScript model the way ml-commons' sentence-transformers models are made: one
                Dict[str, Tensor] input (input_ids, attention_mask), a dict output with token_embeddings and
                sentence_embedding; zipped with tokenizer.json; model.json (input_style "dict", pooling "none")
  expected.json embeddings computed here with PyTorch for a few texts, so the Java tests can check that both
                engines, the tokenizer and the Java pooling reproduce the reference model

and the extractive QA (reader) fixtures:

  tiny-qa-pt/   tiny-qa.pt: a tiny BERT-like QA model (the same architecture, other seeded weights, plus
                qa_outputs = Linear(16, 2)) TRACED with torch.jit.trace the way the README exports Hugging Face
                *ForQuestionAnswering models: positional inputs input_ids, attention_mask, token_type_ids, returns the
                tuple (start_logits, end_logits); tokenizer.json, model.json (task "extractive_qa")
  tiny-qa-onnx/ tiny-qa.onnx: the same model exported to ONNX, inputs input_ids, attention_mask, token_type_ids,
                outputs start_logits and end_logits; tokenizer.json, model.json
  tiny-qa-pick/ tiny-qa-pick.onnx: a deterministic "reader" whose logits depend only on each token's id, from a table
                set by hand (see PICK_START/PICK_END), so that tests know which span wins; declares only input_ids
                and attention_mask (like DistilBERT: no token_type_ids)
  expected-qa.json  start and end logits computed here with PyTorch for a fixed question/passage pair

and the fault fixture:

  tiny-raise/   tiny-raise.pt: tiny-pt's encoder scripted behind a check that raises a RuntimeError for any input
                holding the word piece "moon" (TRIGGER): a model that fails during inference for some inputs only

Run with --only encoders, --only qa or --only faults to rebuild one group (the default builds all).

All four models share one set of weights (seeded), so their embeddings agree. The model is a 2-layer BERT-like
encoder: vocabulary of ~100 word pieces, hidden size 16, 2 heads, feed-forward 32, 64 positions. The tokenizer is a
hand-written WordPiece tokenizer.json (BERT normaliser: lower-casing, accent stripping, CJK characters split).
The sha256 of every file is written into the model.json files, and the tests read the hashes from model.json, never
from code. The weights are seeded and the ONNX files are byte-for-byte reproducible; tiny.pt (and so tiny-pt.zip) also
records the path of this script in its TorchScript debug information, so its bytes (not its behaviour) change when the
script runs from another directory or under another torch version (so do tiny-dict.zip and tiny-qa.pt): after a run,
restore with git the TorchScript fixtures you did not mean to change.
"""

import argparse
import hashlib
import json
from typing import Dict
import math
import os
import zipfile

import torch
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
HIDDEN = 16
HEADS = 2
FFN = 32
LAYERS = 2
POSITIONS = 64
MAX_TOKENS = 32

SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
WORDS = [
    "the", "a", "cat", "dog", "sat", "on", "mat", "ran", "in", "park", "is", "was", "and", "of", "to", "bird",
    "fish", "swim", "fly", "house", "red", "blue", "big", "small", "cafe", "tea", "coffee", "good", "bad", "day",
    "night", "sun", "moon", "tree", "water", "play", "##s", "##ed", "##ing", "##er", "##ly", "中", "文", "字",
    ".", ",", "!", "?", "'", "-",
]
LETTERS = [chr(c) for c in range(ord("a"), ord("z") + 1)]
VOCAB = SPECIALS + WORDS + LETTERS + ["##" + c for c in LETTERS]


def tokenizer_json():
    vocab = {token: i for i, token in enumerate(VOCAB)}
    added = [
        {"id": vocab[t], "content": t, "single_word": False, "lstrip": False, "rstrip": False,
         "normalized": False, "special": True}
        for t in SPECIALS
    ]
    return {
        "version": "1.0",
        # deliberately shorter than max_tokens and with fixed padding, like the langchain4j MiniLM tokenizer:
        # the runtime must override both
        "truncation": {"direction": "Right", "max_length": 8, "strategy": "LongestFirst", "stride": 0},
        "padding": {"strategy": {"Fixed": 8}, "direction": "Right", "pad_to_multiple_of": None, "pad_id": 0,
                    "pad_type_id": 0, "pad_token": "[PAD]"},
        "added_tokens": added,
        "normalizer": {"type": "BertNormalizer", "clean_text": True, "handle_chinese_chars": True,
                       "strip_accents": None, "lowercase": True},
        "pre_tokenizer": {"type": "BertPreTokenizer"},
        "post_processor": {
            "type": "TemplateProcessing",
            "single": [{"SpecialToken": {"id": "[CLS]", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                       {"SpecialToken": {"id": "[SEP]", "type_id": 0}}],
            "pair": [{"SpecialToken": {"id": "[CLS]", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                     {"SpecialToken": {"id": "[SEP]", "type_id": 0}}, {"Sequence": {"id": "B", "type_id": 1}},
                     {"SpecialToken": {"id": "[SEP]", "type_id": 1}}],
            "special_tokens": {
                "[CLS]": {"id": "[CLS]", "ids": [vocab["[CLS]"]], "tokens": ["[CLS]"]},
                "[SEP]": {"id": "[SEP]", "ids": [vocab["[SEP]"]], "tokens": ["[SEP]"]},
            },
        },
        "decoder": {"type": "WordPiece", "prefix": "##", "cleanup": True},
        "model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##",
                  "max_input_chars_per_word": 100, "vocab": vocab},
    }


class Layer(nn.Module):
    def __init__(self):
        super().__init__()
        self.query = nn.Linear(HIDDEN, HIDDEN)
        self.key = nn.Linear(HIDDEN, HIDDEN)
        self.value = nn.Linear(HIDDEN, HIDDEN)
        self.output = nn.Linear(HIDDEN, HIDDEN)
        self.norm1 = nn.LayerNorm(HIDDEN)
        self.up = nn.Linear(HIDDEN, FFN)
        self.down = nn.Linear(FFN, HIDDEN)
        self.norm2 = nn.LayerNorm(HIDDEN)
        self.hidden = HIDDEN
        self.heads = HEADS
        self.head = HIDDEN // HEADS
        self.scale = 1.0 / math.sqrt(HIDDEN // HEADS)

    def forward(self, x, additive_mask):
        b, t, _ = x.shape
        heads, head = self.heads, self.head

        q = self.query(x).view(b, t, heads, head).transpose(1, 2)
        k = self.key(x).view(b, t, heads, head).transpose(1, 2)
        v = self.value(x).view(b, t, heads, head).transpose(1, 2)
        scores = torch.matmul(q, k.transpose(-1, -2)) * self.scale + additive_mask
        context = torch.matmul(torch.softmax(scores, dim=-1), v).transpose(1, 2).reshape(b, t, self.hidden)
        x = self.norm1(x + self.output(context))
        return self.norm2(x + self.down(torch.nn.functional.gelu(self.up(x))))


class TinyBert(nn.Module):
    """forward(input_ids, attention_mask, token_type_ids) -> last hidden state [batch, tokens, HIDDEN]."""

    def __init__(self):
        super().__init__()
        self.words = nn.Embedding(len(VOCAB), HIDDEN)
        self.positions = nn.Embedding(POSITIONS, HIDDEN)
        self.types = nn.Embedding(2, HIDDEN)
        self.norm = nn.LayerNorm(HIDDEN)
        self.layers = nn.ModuleList([Layer() for _ in range(LAYERS)])

    def forward(self, input_ids, attention_mask, token_type_ids):
        t = input_ids.shape[1]
        positions = torch.arange(t, dtype=torch.long, device=input_ids.device).unsqueeze(0)
        x = self.norm(self.words(input_ids) + self.positions(positions) + self.types(token_type_ids))
        additive_mask = (1.0 - attention_mask.to(torch.float32))[:, None, None, :] * -10000.0
        for layer in self.layers:
            x = layer(x, additive_mask)
        return x


class TwoInputs(nn.Module):
    """The ONNX variant: declares only input_ids and attention_mask (token types are all 0)."""

    def __init__(self, bert):
        super().__init__()
        self.bert = bert

    def forward(self, input_ids, attention_mask):
        return self.bert(input_ids, attention_mask, torch.zeros_like(input_ids))


class Pooled(nn.Module):
    """Mean pooling over the mask and L2 normalisation inside the model: output [batch, HIDDEN]."""

    def __init__(self, bert):
        super().__init__()
        self.bert = bert

    def forward(self, input_ids, attention_mask):
        hidden = self.bert(input_ids, attention_mask, torch.zeros_like(input_ids))
        mask = attention_mask.to(torch.float32).unsqueeze(-1)
        mean = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
        return torch.nn.functional.normalize(mean, p=2.0, dim=1)


class DictModel(nn.Module):
    """Takes and returns Dict[str, Tensor], like sentence-transformers models traced for ml-commons."""

    def __init__(self, bert):
        super().__init__()
        self.bert = bert

    def forward(self, features: Dict[str, torch.Tensor]) -> Dict[str, torch.Tensor]:
        input_ids = features["input_ids"]
        attention_mask = features["attention_mask"]
        hidden = self.bert(input_ids, attention_mask, torch.zeros_like(input_ids))
        mask = attention_mask.to(torch.float32).unsqueeze(-1)
        mean = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
        return {"token_embeddings": hidden,
                "sentence_embedding": torch.nn.functional.normalize(mean, p=2.0, dim=1)}


def write_zip(zip_path, members):
    """A zip with fixed timestamps, holding (name in zip, path on disk) pairs."""
    with zipfile.ZipFile(zip_path, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for name, path in members:
            info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            with open(path, "rb") as f:
                z.writestr(info, f.read())


def sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def write_descriptor(directory, descriptor):
    """model.json with one "file": "hash" pair per line in the sha256 object."""
    files = ",\n".join(f'    "{role}": "{name}"' for role, name in descriptor["files"].items())
    hashes = ",\n".join(
        f'    "{name}": "{sha256(os.path.join(directory, name))}"' for name in descriptor["files"].values())
    lines = [f'  "id": "{descriptor["id"]}"', f'  "format": "{descriptor["format"]}"',
             '  "files": {\n' + files + "\n  }", '  "sha256": {\n' + hashes + "\n  }"]
    if "task" in descriptor:
        lines.append(f'  "task": "{descriptor["task"]}"')
    for key in ("dimension", "pooling", "normalize", "max_tokens", "doc_stride", "max_question_tokens", "inputs",
                "input_style", "outputs", "query_prefix", "passage_prefix", "license", "source"):
        if key in descriptor:
            lines.append(f'  "{key}": {json.dumps(descriptor[key], ensure_ascii=False)}')
    with open(os.path.join(directory, "model.json"), "w", encoding="utf-8") as f:
        f.write("{\n" + ",\n".join(lines) + "\n}\n")


def directory(name):
    path = os.path.join(HERE, name)
    os.makedirs(path, exist_ok=True)
    return path


def write_tokenizer(path):
    with open(os.path.join(path, "tokenizer.json"), "w", encoding="utf-8") as f:
        json.dump(tokenizer_json(), f, ensure_ascii=False, indent=1)


def tiny_bert():
    """The seeded encoder every encoder fixture shares."""
    torch.manual_seed(20240229)
    bert = TinyBert().eval()
    # larger-than-default embeddings so that different texts give clearly different vectors
    with torch.no_grad():
        bert.words.weight.mul_(3.0)
    return bert


ENCODER_COMMON = {"dimension": HIDDEN, "max_tokens": MAX_TOKENS, "license": "Apache-2.0",
                  "source": "generated by src/test/resources/models/make_fixtures.py (random weights)"}


def encoders():
    bert = tiny_bert()
    common = ENCODER_COMMON

    ids = torch.tensor([[2, 7, 8, 9, 3], [2, 8, 3, 0, 0]], dtype=torch.long)
    mask = torch.tensor([[1, 1, 1, 1, 1], [1, 1, 1, 0, 0]], dtype=torch.long)
    types = torch.zeros_like(ids)

    # TorchScript: scripted (not traced) so that every shape stays dynamic
    pt_dir = directory("tiny-pt")
    scripted = torch.jit.script(bert)
    scripted.save(os.path.join(pt_dir, "tiny.pt"))
    write_tokenizer(pt_dir)
    write_descriptor(pt_dir, {"id": "tiny-pt", "format": "torchscript",
                              "files": {"model": "tiny.pt", "tokenizer": "tokenizer.json"},
                              "pooling": "mean", "normalize": True,
                              "inputs": ["input_ids", "attention_mask", "token_type_ids"],
                              "query_prefix": "", "passage_prefix": "", **common})

    # the same TorchScript file in a zip laid out as ml-commons expects
    zip_dir = directory("tiny-zip")
    write_zip(os.path.join(zip_dir, "tiny-pt.zip"), (("tiny.pt", os.path.join(pt_dir, "tiny.pt")),
                                                      ("tokenizer.json", os.path.join(pt_dir, "tokenizer.json"))))
    write_descriptor(zip_dir, {"id": "tiny-zip", "format": "torchscript", "files": {"archive": "tiny-pt.zip"},
                               "pooling": "mean", "normalize": True,
                               "inputs": ["input_ids", "attention_mask", "token_type_ids"], **common})

    # TorchScript with a dict input and a dict output, zipped (the .pt file exists only inside the zip)
    dict_dir = directory("tiny-dict")
    dict_pt = os.path.join(dict_dir, "tiny-dict.pt")
    torch.jit.script(DictModel(bert)).save(dict_pt)
    write_zip(os.path.join(dict_dir, "tiny-dict.zip"), (("tiny-dict.pt", dict_pt),
                                                        ("tokenizer.json", os.path.join(pt_dir, "tokenizer.json"))))
    os.remove(dict_pt)
    write_descriptor(dict_dir, {"id": "tiny-dict", "format": "torchscript", "files": {"archive": "tiny-dict.zip"},
                                "pooling": "none", "normalize": True, "inputs": ["input_ids", "attention_mask"],
                                "input_style": "dict", **common})

    # ONNX: input_ids and attention_mask only
    onnx_dir = directory("tiny-onnx")
    torch.onnx.export(TwoInputs(bert), (ids, mask), os.path.join(onnx_dir, "tiny.onnx"),
                      input_names=["input_ids", "attention_mask"], output_names=["last_hidden_state"],
                      dynamic_axes={"input_ids": {0: "batch", 1: "tokens"},
                                    "attention_mask": {0: "batch", 1: "tokens"},
                                    "last_hidden_state": {0: "batch", 1: "tokens"}},
                      opset_version=14)
    write_tokenizer(onnx_dir)
    write_descriptor(onnx_dir, {"id": "tiny-onnx", "format": "onnx",
                                "files": {"model": "tiny.onnx", "tokenizer": "tokenizer.json"},
                                "pooling": "mean", "normalize": True,
                                "query_prefix": "a ", "passage_prefix": "", **common})

    # ONNX that pools and normalises itself
    pooled_dir = directory("tiny-pooled")
    torch.onnx.export(Pooled(bert), (ids, mask), os.path.join(pooled_dir, "tiny-pooled.onnx"),
                      input_names=["input_ids", "attention_mask"], output_names=["sentence_embedding"],
                      dynamic_axes={"input_ids": {0: "batch", 1: "tokens"},
                                    "attention_mask": {0: "batch", 1: "tokens"},
                                    "sentence_embedding": {0: "batch"}},
                      opset_version=14)
    write_tokenizer(pooled_dir)
    write_descriptor(pooled_dir, {"id": "tiny-pooled", "format": "onnx",
                                  "files": {"model": "tiny-pooled.onnx", "tokenizer": "tokenizer.json"},
                                  "pooling": "none", "normalize": False, **common})

    # reference embeddings (mean pooled, normalised) of pre-tokenised texts, computed with the eager model
    vocab = {token: i for i, token in enumerate(VOCAB)}
    references = {
        "the cat sat on the mat": ["[CLS]", "the", "cat", "sat", "on", "the", "mat", "[SEP]"],
        "Dogs played.": ["[CLS]", "dog", "##s", "play", "##ed", ".", "[SEP]"],
    }
    expected = {}
    with torch.no_grad():
        for text, tokens in references.items():
            t = torch.tensor([[vocab[x] for x in tokens]], dtype=torch.long)
            m = torch.ones_like(t)
            expected[text] = {"tokens": tokens,
                              "embedding": [round(v, 7) for v in Pooled(bert)(t, m)[0].tolist()]}
    with open(os.path.join(HERE, "expected.json"), "w", encoding="utf-8") as f:
        json.dump(expected, f, indent=1)
        f.write("\n")


QA_MAX_TOKENS = 64          # = POSITIONS
QA_DOC_STRIDE = 16
QA_MAX_QUESTION_TOKENS = 16


class TinyQa(nn.Module):
    """A BertForQuestionAnswering look-alike: forward(input_ids, attention_mask, token_type_ids) -> (start, end)."""

    def __init__(self):
        super().__init__()
        self.bert = TinyBert()
        self.qa_outputs = nn.Linear(HIDDEN, 2)

    def forward(self, input_ids, attention_mask, token_type_ids):
        logits = self.qa_outputs(self.bert(input_ids, attention_mask, token_type_ids))
        start_logits, end_logits = logits.split(1, dim=-1)
        return start_logits.squeeze(-1).contiguous(), end_logits.squeeze(-1).contiguous()


# the deterministic reader: logits by token, everything else 0
PICK_START = {"[CLS]": 3.0, "moon": 9.0, "big": 7.0, "red": 4.0}
PICK_END = {"[CLS]": 3.0, "moon": 9.0, "dog": 7.0, "tree": 5.0}


class Pick(nn.Module):
    """start/end logits looked up per token id; padding gets -10000."""

    def __init__(self):
        super().__init__()
        vocab = {token: i for i, token in enumerate(VOCAB)}
        table = torch.zeros(len(VOCAB), 2)
        for token, value in PICK_START.items():
            table[vocab[token], 0] = value
        for token, value in PICK_END.items():
            table[vocab[token], 1] = value
        self.table = nn.Embedding.from_pretrained(table, freeze=True)

    def forward(self, input_ids, attention_mask):
        logits = self.table(input_ids) + (1.0 - attention_mask.to(torch.float32)).unsqueeze(-1) * -10000.0
        return logits[:, :, 0].contiguous(), logits[:, :, 1].contiguous()


def readers():
    torch.manual_seed(20240301)
    qa = TinyQa().eval()
    with torch.no_grad():
        qa.bert.words.weight.mul_(3.0)
        # larger logits than a fresh Linear gives, so that span probabilities are not all alike
        qa.qa_outputs.weight.mul_(4.0)
    common = {"task": "extractive_qa", "max_tokens": QA_MAX_TOKENS, "doc_stride": QA_DOC_STRIDE,
              "max_question_tokens": QA_MAX_QUESTION_TOKENS, "license": "Apache-2.0",
              "source": "generated by src/test/resources/models/make_fixtures.py (random weights)"}

    vocab = {token: i for i, token in enumerate(VOCAB)}
    question = "Is the cat in the park?"
    passage = "The dog ran in the park, and the cat sat on the red mat."
    tokens = (["[CLS]", "is", "the", "cat", "in", "the", "park", "?", "[SEP]"]
              + ["the", "dog", "ran", "in", "the", "park", ",", "and", "the", "cat", "sat", "on", "the", "red", "mat",
                 ".", "[SEP]"])
    type_ids = [0] * 9 + [1] * (len(tokens) - 9)
    ids = torch.tensor([[vocab[t] for t in tokens]], dtype=torch.long)
    mask = torch.ones_like(ids)
    types = torch.tensor([type_ids], dtype=torch.long)

    # TorchScript, traced like a Hugging Face model (torchscript=True): shapes stay dynamic because they are read
    # from the tensors; checked below on another batch and length
    pt_dir = directory("tiny-qa-pt")
    example = (torch.tensor([[2, 7, 8, 9, 3, 10, 3]]), torch.ones(1, 7, dtype=torch.long),
               torch.tensor([[0, 0, 0, 0, 0, 1, 1]]))
    with torch.no_grad():
        traced = torch.jit.trace(qa, example, check_trace=False)
        check_ids = torch.randint(5, len(VOCAB), (3, 40))
        check_mask = torch.ones_like(check_ids)
        check_mask[1, 30:] = 0
        check_types = torch.zeros_like(check_ids)
        check_types[:, 20:] = 1
        for a, b in zip(traced(check_ids, check_mask, check_types), qa(check_ids, check_mask, check_types)):
            assert torch.allclose(a, b, atol=1e-5), "the traced model does not generalise to other shapes"
    traced.save(os.path.join(pt_dir, "tiny-qa.pt"))
    write_tokenizer(pt_dir)
    write_descriptor(pt_dir, {"id": "tiny-qa-pt", "format": "torchscript",
                              "files": {"model": "tiny-qa.pt", "tokenizer": "tokenizer.json"},
                              "inputs": ["input_ids", "attention_mask", "token_type_ids"], **common})

    onnx_dir = directory("tiny-qa-onnx")
    names = ["input_ids", "attention_mask", "token_type_ids"]
    torch.onnx.export(qa, (ids, mask, types), os.path.join(onnx_dir, "tiny-qa.onnx"),
                      input_names=names, output_names=["start_logits", "end_logits"],
                      dynamic_axes={name: {0: "batch", 1: "tokens"} for name in names + ["start_logits", "end_logits"]},
                      opset_version=14)
    write_tokenizer(onnx_dir)
    write_descriptor(onnx_dir, {"id": "tiny-qa-onnx", "format": "onnx",
                                "files": {"model": "tiny-qa.onnx", "tokenizer": "tokenizer.json"}, **common})

    pick_dir = directory("tiny-qa-pick")
    pick_names = ["input_ids", "attention_mask"]
    torch.onnx.export(Pick(), (ids, mask), os.path.join(pick_dir, "tiny-qa-pick.onnx"),
                      input_names=pick_names, output_names=["start_logits", "end_logits"],
                      dynamic_axes={name: {0: "batch", 1: "tokens"} for name in pick_names + ["start_logits", "end_logits"]},
                      opset_version=14)
    write_tokenizer(pick_dir)
    write_descriptor(pick_dir, {"id": "tiny-qa-pick", "format": "onnx",
                                "files": {"model": "tiny-qa-pick.onnx", "tokenizer": "tokenizer.json"},
                                **dict(common, source="generated by src/test/resources/models/make_fixtures.py "
                                                      "(logits set by hand per token)")})

    with torch.no_grad():
        start, end = qa(ids, mask, types)
    expected = {"question": question, "passage": passage, "tokens": tokens, "ids": ids[0].tolist(),
                "type_ids": type_ids,
                "start_logits": [round(v, 6) for v in start[0].tolist()],
                "end_logits": [round(v, 6) for v in end[0].tolist()]}
    with open(os.path.join(HERE, "expected-qa.json"), "w", encoding="utf-8") as f:
        json.dump(expected, f, indent=1)
        f.write("\n")


class RaiseOnTrigger(nn.Module):
    """tiny-pt's encoder, except that it raises for any input that holds the word piece TRIGGER: a model that fails
    during inference for some inputs only."""

    def __init__(self, bert, trigger_id: int):
        super().__init__()
        self.bert = bert
        self.trigger_id = trigger_id

    def forward(self, input_ids, attention_mask, token_type_ids):
        if bool((input_ids == self.trigger_id).any()):
            raise RuntimeError("tiny-raise: the input holds the trigger word piece")
        return self.bert(input_ids, attention_mask, token_type_ids)


TRIGGER = "moon"


def faults():
    raise_dir = directory("tiny-raise")
    torch.jit.script(RaiseOnTrigger(tiny_bert(), VOCAB.index(TRIGGER))).save(os.path.join(raise_dir, "tiny-raise.pt"))
    write_tokenizer(raise_dir)
    write_descriptor(raise_dir, {"id": "tiny-raise", "format": "torchscript",
                                 "files": {"model": "tiny-raise.pt", "tokenizer": "tokenizer.json"},
                                 "pooling": "mean", "normalize": True,
                                 "inputs": ["input_ids", "attention_mask", "token_type_ids"],
                                 "query_prefix": "", "passage_prefix": "", **ENCODER_COMMON})


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", choices=("encoders", "qa", "faults"), help="build only this group of fixtures")
    args = parser.parse_args()
    if args.only in (None, "encoders"):
        encoders()
    if args.only in (None, "qa"):
        readers()
    if args.only in (None, "faults"):
        faults()


if __name__ == "__main__":
    main()
