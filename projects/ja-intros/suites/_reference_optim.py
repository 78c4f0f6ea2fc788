"""Reference optimizers in NumPy float64, written from the documents' formulas, not from torch.

Why this module exists (the design of the optim claims)
-------------------------------------------------------
A claim such as "SGD updates weight = weight - learning_rate * gradient" predicts numbers,
and torchclaims keeps prediction and observation apart: checkers observe, the judge compares.
So the optim checkers (suites/optim.py) only run torch.optim on a fixed small problem and
return the parameter values after each step. The numbers the documents' formulas predict
for that same problem are computed here, in NumPy float64, and written into the specs'
`expect` as plain data. The numbers are therefore reproducible spec data, not hand-typed:

    python projects/ja-intros/suites/_reference_optim.py   # prints the expected trajectories

and the project's tests/break_it/test_optim.py re-computes them and fails if a spec's `expect` drifts
from what this module computes.

Independence: nothing here imports torch. The gradient of the fixed problem is written out
by hand (the checker lets autograd compute it), and each update rule is transcribed from the
formula a document gives:

  SGD   000_fb8c6e3e219677fc.txt: weight = weight - learning_rate * gradient
        001_04673d53cc78a90f.txt: θ = θ − η∇L(θ); x_{k+1} = x_k − η∇f(x_k)
  Adam  001_04673d53cc78a90f.txt: m_t = β1 m_{t−1} + (1 − β1) g_t
                                  v_t = β2 v_{t−1} + (1 − β2) g_t²
                                  m̂_t = m_t / (1 − β1^t),  v̂_t = v_t / (1 − β2^t)
                                  θ_t = θ_{t−1} − α m̂_t / (√v̂_t + ϵ)
  Momentum: 001 names momentum ("学習率やモーメンタム", "モメンタムの導入") but gives no
        formula, so the heavy-ball method of Polyak (1964) is used as published:
        v_{t+1} = μ v_t − η ∇L(θ_t);  θ_{t+1} = θ_t + v_{t+1},  v_0 = 0.
        (That it coincides with torch's own formulation for a constant η is what the
        claim checks, not something assumed here.)
"""

from __future__ import annotations

import numpy as np

# The fixed problem: L(θ) = Σ_i c_i (θ_i − t_i)², ill-conditioned so that Adam's per-coordinate
# scaling and momentum both matter. The checkers use the same constants.
THETA0 = (1.0, -2.0, 0.5)
TARGET = (0.0, 1.0, -1.0)
CURVATURE = (1.0, 10.0, 0.1)


def loss(theta: np.ndarray) -> float:
    c, t = np.asarray(CURVATURE), np.asarray(TARGET)
    return float(np.sum(c * (theta - t) ** 2))


def gradient(theta: np.ndarray) -> np.ndarray:
    """∇L(θ) = 2 c (θ − t), by hand."""
    c, t = np.asarray(CURVATURE), np.asarray(TARGET)
    return 2.0 * c * (theta - t)


def sgd(steps: int, lr: float, theta0=THETA0) -> list[list[float]]:
    """θ ← θ − η ∇L(θ); the parameters after each step."""
    theta = np.array(theta0, dtype=np.float64)
    trajectory = []
    for _ in range(steps):
        theta = theta - lr * gradient(theta)
        trajectory.append(theta.tolist())
    return trajectory


def heavy_ball(steps: int, lr: float, momentum: float, theta0=THETA0) -> list[list[float]]:
    """Polyak's momentum: v ← μ v − η ∇L(θ); θ ← θ + v; the parameters after each step."""
    theta = np.array(theta0, dtype=np.float64)
    velocity = np.zeros_like(theta)
    trajectory = []
    for _ in range(steps):
        velocity = momentum * velocity - lr * gradient(theta)
        theta = theta + velocity
        trajectory.append(theta.tolist())
    return trajectory


def adam(steps: int, lr: float = 0.001, betas=(0.9, 0.999), eps: float = 1e-8,
         theta0=THETA0) -> list[list[float]]:
    """001's Adam update equations, step t = 1, 2, ...; the parameters after each step."""
    beta1, beta2 = betas
    theta = np.array(theta0, dtype=np.float64)
    m = np.zeros_like(theta)
    v = np.zeros_like(theta)
    trajectory = []
    for t in range(1, steps + 1):
        g = gradient(theta)
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g ** 2
        m_hat = m / (1 - beta1 ** t)
        v_hat = v / (1 - beta2 ** t)
        theta = theta - lr * m_hat / (np.sqrt(v_hat) + eps)
        trajectory.append(theta.tolist())
    return trajectory


def scalar_gradient_descent(steps: int, lr: float, x0: float) -> list[float]:
    """001's Gradient Descent entry: f(x) = x², ∇f = 2x, x_{k+1} = x_k − η ∇f(x_k)."""
    x = float(x0)
    trajectory = []
    for _ in range(steps):
        x = x - lr * 2.0 * x
        trajectory.append(x)
    return trajectory


def trajectory(optimizer: str, steps: int, theta0=THETA0, **hyper) -> list[list[float]]:
    """The reference for suites/optim.py's `trajectory` checker with the same arguments."""
    if optimizer == "SGD":
        if hyper.get("momentum", 0):
            return heavy_ball(steps, hyper["lr"], hyper["momentum"], theta0=theta0)
        return sgd(steps, hyper["lr"], theta0=theta0)
    if optimizer == "Adam":
        return adam(steps, theta0=theta0, **hyper)
    raise ValueError(f"no reference for {optimizer}")


def _rounded(trajectory_: list[list[float]], digits: int = 9) -> list[list[float]]:
    return [[round(x, digits) for x in step] for step in trajectory_]


if __name__ == "__main__":  # print the spec data
    import json

    for name, steps, hyper in [
        ("SGD", 5, {"lr": 0.01}),
        ("SGD", 5, {"lr": 0.05}),
        ("SGD", 5, {"lr": 0.01, "momentum": 0.9}),
        ("Adam", 10, {"lr": 0.001, "theta0": [0.002, 0.997, -0.9985]}),
        ("Adam", 5, {"lr": 0.1, "betas": [0.8, 0.99], "eps": 1e-3}),
    ]:
        print(name, hyper, json.dumps(_rounded(trajectory(name, steps, **hyper))))
    print("GD x²", json.dumps([round(x, 12) for x in scalar_gradient_descent(5, 0.1, 10.0)]))
