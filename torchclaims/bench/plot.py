"""The history plot: training-step time per run, one panel per model."""

from __future__ import annotations

from pathlib import Path

import pandas as pd


def plot_history(table: pd.DataFrame, path: str | Path, workload: str = "train step",
                 optimizer: str = "SGD") -> Path:
    """Time per step against the runs in order (torch version, then commit), log scale.

    One panel per model; one line per machine group x device x batch size.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from torchclaims.bench.compare import _version_key

    rows = table[(table["workload"] == workload) & (table["optimizer"] == optimizer)]
    models = sorted(rows["model"].unique()) or ["(no results)"]
    fig, axes = plt.subplots(len(models), 1, figsize=(9, 2.6 * len(models)), squeeze=False)
    runs = (rows[["torch", "commit", "machine"]].drop_duplicates()
            .assign(_v=lambda d: d["torch"].map(_version_key))
            .sort_values(["_v", "commit"]))
    labels = []
    for torch, commit in zip(runs["torch"], runs["commit"]):
        label = f"torch {torch}\n{str(commit)[:8]}"
        if label not in labels:
            labels.append(label)
    position = {label: i for i, label in enumerate(labels)}
    for ax, model in zip(axes[:, 0], models):
        sub = rows[rows["model"] == model]
        for device, column in (("cpu", "cpu_time_s"), ("cuda", "cuda_time_s")):
            for (group, batch), line in sub.groupby([sub["machine"].map(_group), "batch"]):
                points = [(position[f"torch {t}\n{str(c)[:8]}"], v)
                          for t, c, v in zip(line["torch"], line["commit"], line[column])
                          if isinstance(v, float)]
                if not points:
                    continue
                points.sort()
                xs, ys = zip(*points)
                ax.plot(xs, [y * 1e3 for y in ys], marker="o" if device == "cpu" else "s",
                        linestyle="-" if device == "cpu" else "--",
                        label=f"{group} {device} batch {batch}")
        ax.set_title(f"{model}: {workload} ({optimizer})", fontsize=9)
        ax.set_yscale("log")
        ax.set_ylabel("ms per step")
        ax.set_xticks(range(len(labels)))
        ax.set_xticklabels(labels, fontsize=7)
        ax.grid(True, alpha=0.3)
        if ax.get_legend_handles_labels()[0]:
            ax.legend(fontsize=6, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    fig.tight_layout()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def _group(machine: str) -> str:
    from torchclaims.bench.machine import parse_machine_name

    return parse_machine_name(machine)["group"]
