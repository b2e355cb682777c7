"""How close a JAX training step of sigconv's 1D CNNs comes to the CPU's matrix-product rate.

For each network (FCN, ResNet, one InceptionTime network) on GunPoint's shape
(150 timepoints, one channel) and batches of 16, three rates of a jitted
gradient computation, in GFLOP/s of the convolution and dense layers'
multiply-adds (forward pass and both gradients):

- "convolutions alone": every ``Conv1D`` layer of the network, each on a
  random input of its own input shape, with no other operation between them:
  the most the network's arithmetic can be run at;
- "whole step": the network's forward and backward pass in training mode
  (batch normalization on batch statistics, activations, additions, pooling,
  softmax and cross-entropy), the optimizer excluded;
- the float32 matrix product of two 2048 x 2048 matrices (numpy's BLAS).

The gap between the first two is what the non-convolution operations cost;
benchmarks/training.py sets whole epochs, optimizer included, against aeon.

    KERAS_BACKEND=jax python benchmarks/convolution_rate.py
    KERAS_BACKEND=jax python benchmarks/convolution_rate.py --batch-size 64 --repeats 30
"""

import argparse
import json
import os
import platform
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))  # for training.py, the sibling script it shares helpers with
from training import _matmul_gflops, _timed, _training_gflop  # noqa: E402

NETWORKS = ("fcn", "resnet", "inception_time")


def _median_seconds(function, args, repeats):
    import jax

    def call():
        jax.block_until_ready(function(*args))

    call()  # compile
    return statistics.median(_timed(call) for _ in range(repeats))


def measure(network, batch_size, n_timepoints, repeats):
    import jax
    import jax.numpy as jnp
    import keras

    from sigconv.estimators._base import _all_layers
    from sigconv.networks import build_network

    backbone = build_network(network, n_timepoints, 1)
    pooled = keras.layers.GlobalAveragePooling1D()(backbone.output)
    model = keras.Model(backbone.input, keras.layers.Dense(2, activation="softmax")(pooled))
    gflop = _training_gflop(model, batch_size)
    key = jax.random.PRNGKey(0)
    X = jax.random.normal(key, (batch_size, n_timepoints, 1))
    trainable = [v.value for v in model.trainable_variables]
    non_trainable = [v.value for v in model.non_trainable_variables]

    def step_loss(trainable, non_trainable):
        probabilities, _ = model.stateless_call(trainable, non_trainable, X, training=True)
        return -jnp.mean(jnp.log(probabilities[:, 0] + 1e-7))

    step = jax.jit(jax.grad(step_loss))
    step_s = _median_seconds(step, (trainable, non_trainable), repeats)

    convolutions = [layer for layer in _all_layers(model) if isinstance(layer, keras.layers.Conv1D)]
    inputs = [jax.random.normal(key, (batch_size, *layer.input.shape[1:])) for layer in convolutions]
    kernels = [layer.kernel.value for layer in convolutions]

    def convolution_loss(kernels, inputs):
        total = 0.0
        for layer, kernel, x in zip(convolutions, kernels, inputs):
            y = jax.lax.conv_general_dilated(
                x, kernel, (layer.strides[0],), layer.padding.upper(),
                rhs_dilation=(layer.dilation_rate[0],), dimension_numbers=("NWC", "WIO", "NWC"),
            )
            total = total + jnp.mean(y**2)
        return total

    # The gradient with respect to the inputs as well as the kernels: the three passes of training.
    convolution_step = jax.jit(jax.grad(convolution_loss, argnums=(0, 1)))
    convolution_s = _median_seconds(convolution_step, (kernels, inputs), repeats)
    convolution_gflop = _training_gflop(model, batch_size, layer_types=(keras.layers.Conv1D,))
    return {
        "network": network,
        "batch_size": batch_size,
        "step_gflop": gflop,
        "step_s": step_s,
        "step_gflops": gflop / step_s,
        "convolution_gflop": convolution_gflop,
        "convolution_s": convolution_s,
        "convolution_gflops": convolution_gflop / convolution_s,
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--networks", nargs="+", default=list(NETWORKS), choices=NETWORKS)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--n-timepoints", type=int, default=150, help="series length (default 150, GunPoint's)")
    parser.add_argument("--repeats", type=int, default=20, help="timed calls per measurement (median)")
    parser.add_argument("--output", default="benchmarks/results/convolution_rate.json")
    args = parser.parse_args(argv)
    import keras

    if keras.backend.backend() != "jax":
        parser.error(f"this benchmark times jitted JAX steps; run it with KERAS_BACKEND=jax "
                     f"(the backend now is {keras.backend.backend()!r}).")
    matmul = _matmul_gflops()
    rows = [measure(name, args.batch_size, args.n_timepoints, args.repeats) for name in args.networks]
    header = (f"{'network':<15} {'GFLOP/step':>10} {'conv ms':>8} {'conv GFLOP/s':>12} {'step ms':>8} "
              f"{'step GFLOP/s':>12} {'step/conv time':>14}")
    print(header)
    print("-" * len(header))
    for row in rows:
        print(f"{row['network']:<15} {row['step_gflop']:>10.2f} {row['convolution_s'] * 1e3:>8.1f} "
              f"{row['convolution_gflops']:>12.0f} {row['step_s'] * 1e3:>8.1f} {row['step_gflops']:>12.0f} "
              f"{row['step_s'] / row['convolution_s']:>13.2f}x")
    print(f"\nfloat32 matrix product: {matmul:.0f} GFLOP/s")
    import jax

    output = Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    versions = {"python": platform.python_version(), "jax": jax.__version__, "keras": keras.__version__,
                "cpus": os.cpu_count()}
    output.write_text(json.dumps({"versions": versions, "args": vars(args), "matmul_gflops": matmul,
                                  "rows": rows}, indent=2) + "\n")
    print(f"written: {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
