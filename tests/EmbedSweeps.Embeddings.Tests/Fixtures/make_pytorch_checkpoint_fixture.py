"""Writes pytorch_checkpoint.bin with torch.save (zip format, as transformers saves pytorch_model.bin) and
pytorch_checkpoint.json with the values a reader must find in it. The state dict holds what real checkpoints
contain and a naive reader gets wrong: tied weights (two names, one storage), a view with a storage offset,
a transposed (non-contiguous) view, float16/bfloat16/int64 tensors, and the OrderedDict's _metadata.
Run with Debian's python3-torch:  /usr/bin/python3 make_pytorch_checkpoint_fixture.py
"""
import json

import torch

torch.manual_seed(0)
module = torch.nn.Linear(4, 3)
state = module.state_dict()  # an OrderedDict carrying _metadata, as model.state_dict() does
weight = state["weight"]
state["tied.weight"] = weight  # the same tensor under a second name (tied embeddings)
state["offset_view"] = weight[1:]  # storage_offset 4
state["transposed"] = weight.t()  # strides (1, 4)
state["half"] = torch.linspace(-2, 2, 5).half()
state["bf16"] = torch.linspace(-2, 2, 5).bfloat16()
state["steps"] = torch.arange(3, dtype=torch.int64)
torch.save(state, "pytorch_checkpoint.bin")

expected = {name: {"shape": list(t.shape), "values": t.float().flatten().tolist()} for name, t in state.items()}
with open("pytorch_checkpoint.json", "w") as f:
    json.dump({"torch_version": torch.__version__, "tensors": expected}, f, indent=1)
