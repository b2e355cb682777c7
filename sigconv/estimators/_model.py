"""The Keras model of a deep estimator: network and head, ensembles, compilation, inner layers.

:class:`ModelMixin` is part of :class:`~sigconv.estimators.BaseDeepEstimator`:
it builds the network named by the estimator's ``_network`` with its head
(under the mixed-precision policy, as an ensemble of ``_n_members()``),
compiles it with Adam and the estimator's loss, and cuts models out of it for
:meth:`~sigconv.estimators.BaseDeepEstimator.embed`.
"""

import contextlib

import keras

from ..networks import build_network
from ._context import dtype_policy
from ._transfer import check_source_channels, copy_body, head_layer_names

__all__ = ["ModelMixin", "make_optimizer"]

# Batches run per call into the backend: small networks on a CPU spend a large
# part of a step in Python dispatch (docs/estimators.md, "Backends and devices").
# Callbacks run per epoch here. Keras' PyTorch trainer accepts only 1.
_STEPS_PER_EXECUTION = 16


def _steps_per_execution():
    return 1 if keras.backend.backend() == "torch" else _STEPS_PER_EXECUTION


class ModelMixin:
    """Build and compile the network; find its layers."""

    def _build_model(self, n_timepoints, n_channels, n_outputs, params, variable_length):
        """Build and compile the network with its head (or the ensemble of ``_n_members()``).

        Returns ``(model, embedding_layers, plan)``: the compiled model, the
        names of the layers :meth:`embed` takes by default, and what
        :meth:`_train` needs to know of the model beyond it (None here; the
        image estimators' backbone blocks), passed to it by ``fit``.
        """
        n_members = self._n_members()
        source = params["source"]
        if source is not None:
            check_source_channels(source, n_channels)
        builder_params = self._builder_params(variable_length)
        policy = dtype_policy(params["mixed_precision"]) if params["mixed_precision"] else contextlib.nullcontext()
        members, embedding_layers, head = [], [], set()
        for k in range(n_members):
            name = self._network if n_members == 1 else f"{self._network}{k}"
            with policy:
                backbone = build_network(self._network, n_timepoints, n_channels, name=name, **builder_params)
            # The head is built outside the mixed policy: pooling, logits and softmax in float32.
            members.append(self._add_head(backbone, n_outputs))
            embedding_layers.append(backbone.layers[-1].name)
            head |= head_layer_names(members[-1], backbone)
        if n_members == 1:
            model = members[0]
        else:
            inputs = keras.Input((n_timepoints, n_channels), name=f"{self._network}_ensemble_input")
            outputs = [
                keras.layers.Reshape((1, n_outputs), name=f"{member.name}_expand")(member(inputs))
                for member in members
            ]
            stacked = keras.layers.Concatenate(axis=1, name=f"{self._network}_ensemble_stack")(outputs)
            model = keras.Model(inputs, stacked, name=f"{self._network}_ensemble")
        if source is not None:
            # the head is rebuilt (new classes or outputs); the body starts from the source's
            copy_body(source.model_, model, head)
        self._compile(model, params)
        return model, embedding_layers, None

    def _compile(self, model, params, learning_rate=None):
        """Compile ``model`` with Adam (at ``learning_rate``, default the parameter) and the estimator's loss."""
        rate = params["learning_rate"] if learning_rate is None else learning_rate
        model.compile(
            optimizer=make_optimizer(rate, params["mixed_precision"]),
            loss=self._loss(params),
            jit_compile=params["jit_compile"],
            steps_per_execution=_steps_per_execution(),
        )

    def _layer_model(self, name):
        """A model from the network input to the output of the layer called ``name``."""
        found = _find_layer(self.model_, name)
        if found is None:
            names = [layer.name for layer in _all_layers(self.model_)]
            shown = ", ".join(repr(n) for n in names[-8:])
            raise ValueError(
                f"layer={name!r} is not a layer of this {type(self).__name__}'s network. Its last "
                f"layers are {shown}; list them all with [l.name for l in est.model_.layers]."
            )
        owner, layer = found
        return keras.Model(owner.inputs, layer.output, name=f"{name}_features")


def make_optimizer(learning_rate, policy):
    """Adam at ``learning_rate``; under float16 (``policy="mixed_float16"``) with loss scaling.

    bfloat16 has float32's exponent range, so its gradients need no scaling.
    """
    optimizer = keras.optimizers.Adam(learning_rate=learning_rate)
    if policy == "mixed_float16":
        optimizer = keras.optimizers.LossScaleOptimizer(optimizer)
    return optimizer


def _all_layers(model):
    for layer in model.layers:
        yield layer
        if isinstance(layer, keras.Model):
            yield from _all_layers(layer)


def _find_layer(model, name):
    """``(owner, layer)``: the layer called ``name`` and the (possibly nested) model holding it."""
    for layer in model.layers:
        if layer.name == name:
            return model, layer
        if isinstance(layer, keras.Model):
            found = _find_layer(layer, name)
            if found is not None:
                return found
    return None
