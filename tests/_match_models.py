"""Small CPU models for the live ``recipekit match`` oracle (imported only when ModelOpt is).

``decoder``: HF-style names (``model.layers.N.self_attn.{q,k,v,o}_proj``, a dense MLP, an MoE
block with router, experts and a shared-expert gate, ``lm_head``) and an attention core that
ModelOpt equips with ``q/k/v_bmm_quantizer`` through ``mtq.register`` (ModelOpt's documented way
to quantize a custom module). ``vision``: only torch.nn modules, with vision-tower, projector,
Mamba/linear-attention, router and MTP names the recipes' exclusions target, plus every kind of
module ModelOpt quantizes (convs, norms, pools, LeakyReLU, Embedding).
"""

from __future__ import annotations

import contextlib
import io
import warnings

import modelopt.torch.quantization as mtq
import torch
import torch.nn as nn
import torch.nn.functional as F
from modelopt.torch.opt.conversion import apply_mode
from modelopt.torch.quantization.mode import QuantizeModeRegistry
from modelopt.torch.quantization.nn import QuantModuleRegistry, SequentialQuantizer, TensorQuantizer

H, V = 32, 64


class AttnCore(nn.Module):
    def forward(self, q, k, v):
        return F.softmax(q @ k.transpose(-1, -2), dim=-1) @ v


class QuantAttnCore(AttnCore):
    def _setup(self):
        self.q_bmm_quantizer = TensorQuantizer()
        self.k_bmm_quantizer = TensorQuantizer()
        self.v_bmm_quantizer = TensorQuantizer()

    def forward(self, q, k, v):
        return super().forward(
            self.q_bmm_quantizer(q), self.k_bmm_quantizer(k), self.v_bmm_quantizer(v)
        )


mtq.register(original_cls=AttnCore, quantized_cls=QuantAttnCore)


def _linears(module: nn.Module, names: str, i: int = H, o: int = H) -> None:
    for name in names.split():
        setattr(module, name, nn.Linear(i, o, bias=False))


class Attn(nn.Module):
    def __init__(self):
        super().__init__()
        _linears(self, "q_proj k_proj v_proj o_proj")
        self.core = AttnCore()

    def forward(self, x):
        return self.o_proj(self.core(self.q_proj(x), self.k_proj(x), self.v_proj(x)))


class MLP(nn.Module):
    def __init__(self):
        super().__init__()
        _linears(self, "gate_proj up_proj down_proj")

    def forward(self, x):
        return self.down_proj(F.silu(self.gate_proj(x)) * self.up_proj(x))


class MoE(nn.Module):
    def __init__(self):
        super().__init__()
        self.gate = nn.Linear(H, 2, bias=False)
        self.experts = nn.ModuleList([MLP(), MLP()])
        self.shared_expert_gate = nn.Linear(H, 1, bias=False)

    def forward(self, x):
        w = F.softmax(self.gate(x), dim=-1)
        out = sum(w[..., i : i + 1] * e(x) for i, e in enumerate(self.experts))
        return out * torch.sigmoid(self.shared_expert_gate(x))


class Block(nn.Module):
    def __init__(self, moe: bool):
        super().__init__()
        self.input_layernorm = nn.LayerNorm(H)
        self.self_attn = Attn()
        self.post_attention_layernorm = nn.LayerNorm(H)
        self.mlp = MoE() if moe else MLP()

    def forward(self, x):
        x = x + self.self_attn(self.input_layernorm(x))
        return x + self.mlp(self.post_attention_layernorm(x))


class Inner(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed_tokens = nn.Embedding(V, H)
        self.layers = nn.ModuleList([Block(False), Block(True)])
        self.norm = nn.LayerNorm(H)

    def forward(self, ids):
        x = self.embed_tokens(ids)
        for layer in self.layers:
            x = layer(x)
        return self.norm(x)


class Decoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.model = Inner()
        self.lm_head = nn.Linear(H, V, bias=False)

    def forward(self, ids):
        return self.lm_head(self.model(ids))


def decoder() -> nn.Module:
    torch.manual_seed(0)
    return Decoder().eval()


def _tree(spec: dict) -> nn.Module:
    root = nn.Module()
    for dotted, module in spec.items():
        node = root
        *parents, leaf = dotted.split(".")
        for part in parents:
            if not hasattr(node, part):
                node.add_module(part, nn.Module())
            node = getattr(node, part)
        node.add_module(leaf, module)
    return root


def vision() -> nn.Module:
    lin = lambda: nn.Linear(8, 8)  # noqa: E731
    return _tree(
        {
            "model.vision_tower.patch_embed": nn.Conv2d(3, 8, 2),
            "model.vision_tower.encoder.layers.0.self_attn.q_proj": lin(),
            "model.vision_tower.encoder.layers.0.mlp.fc1": lin(),
            "model.vision_tower.encoder.layers.0.layer_norm1": nn.LayerNorm(8),
            "model.visual.blocks.0.attn.qkv": lin(),
            "model.vision_model.head": lin(),
            "model.embed_vision.embedding_projection": lin(),
            "model.multi_modal_projector.linear_1": lin(),
            "model.language_model.layers.0.block_sparse_moe.gate": lin(),
            "model.language_model.layers.0.block_sparse_moe.experts.0.w1": lin(),
            "model.language_model.layers.0.mlp.experts.0.down_proj": lin(),
            "model.language_model.layers.0.mlp.router": lin(),
            "model.language_model.layers.1.mixer.conv1d": nn.Conv1d(8, 8, 3, groups=8),
            "model.language_model.layers.1.mixer.in_proj": lin(),
            "model.language_model.layers.2.linear_attn.conv1d": nn.Conv1d(8, 8, 3),
            "model.language_model.layers.2.linear_attn.in_proj_a": lin(),
            "model.language_model.layers.2.linear_attn.in_proj_b": lin(),
            "model.language_model.layers.3.self_attention.conv1d": nn.Conv1d(8, 8, 1),
            "model.language_model.layers.3.self_attention.linear_qkv": lin(),
            "model.language_model.embed_tokens": nn.Embedding(16, 8),
            "model.unet.up.0": nn.ConvTranspose2d(8, 8, 2),
            "model.unet.conv3d": nn.Conv3d(2, 2, 1),
            "model.unet.bn": nn.BatchNorm2d(8),
            "model.unet.bn1": nn.BatchNorm1d(8),
            "model.unet.inorm": nn.InstanceNorm2d(8),
            "model.unet.act": nn.LeakyReLU(),
            "model.unet.pool": nn.AvgPool2d(2),
            "model.unet.maxpool": nn.MaxPool1d(2),
            "model.unet.proj_out": lin(),
            "mtp.0.eh_proj": lin(),
            "output_layer": lin(),
            "output": lin(),
            "lm_head": lin(),
        }
    )


MODELS = (decoder, vision)


@contextlib.contextmanager
def _quiet():
    with contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


def apply(model: nn.Module, quantize: dict) -> nn.Module:
    """What mtq.quantize does before calibration: module replacement + set_quantizer_by_cfg."""
    with _quiet():
        return apply_mode(model, mode=[("quantize", dict(quantize))], registry=QuantizeModeRegistry)


def quantize(model: nn.Module, config: dict) -> nn.Module:
    """mtq.quantize end to end, with a 2-batch random calibration loop."""
    g = torch.Generator().manual_seed(1)
    batches = [torch.randint(0, V, (2, 8), generator=g) for _ in range(2)]

    def forward_loop(m):
        with torch.no_grad():
            for b in batches:
                m(b)

    with _quiet():
        return mtq.quantize(model, config, forward_loop)


def _key(module: nn.Module) -> str | None:
    try:
        return QuantModuleRegistry.get_key_from_dm(module)
    except (KeyError, AssertionError):
        return None


def _leaves(module: nn.Module, name: str) -> dict:
    if isinstance(module, SequentialQuantizer):
        out: dict = {}
        for i, child in enumerate(module):
            out.update(_leaves(child, f"{name}.{i}"))
        return out
    return {name: [module.is_enabled, module._num_bits, module._axis, module._block_sizes]}


def real_states(model: nn.Module) -> tuple[list[tuple[str, str | None]], dict]:
    """([(quantizer name, parent class key)], {tensor-quantizer name: [enabled, bits, axis, blocks]})."""
    names, states, inside = [], {}, []
    for name, module in model.named_modules():
        if any(name.startswith(p + ".") for p in inside):
            continue
        if isinstance(module, (TensorQuantizer, SequentialQuantizer)):
            inside.append(name)
            parent = model.get_submodule(name.rpartition(".")[0])
            names.append((name, _key(parent)))
            states.update(_leaves(module, name))
    return names, states


_INSTANCES = {
    "nn.Linear": lambda: nn.Linear(4, 4),
    "nn.Embedding": lambda: nn.Embedding(4, 4),
    "nn.LeakyReLU": nn.LeakyReLU,
}


def initial_slots(key: str) -> dict:
    """The quantizers ModelOpt gives a fresh module of class ``key``, and their states."""
    name = key.removeprefix("nn.")
    cls = getattr(nn, name)
    if key in _INSTANCES:
        module = _INSTANCES[key]()
    elif "Conv" in name:
        module = cls(2, 2, 1)
    elif "Norm" in name:
        module = cls(4)
    else:  # pools
        module = cls(2)
    with _quiet():
        converted = QuantModuleRegistry.convert(module)
    return real_states(converted)[1]
