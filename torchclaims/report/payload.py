"""The claims table's data, embedded once in the page as JSON; the page's script draws the visible rows.

Long texts that repeat (quotes, expected / observed values, messages, tracebacks) are stored once in
`strings` and referred to by index. Jinja2's `tojson` escapes <, >, & and ' inside the JSON, so no
text can end the <script type="application/json"> element it sits in.

Layout (short keys: the page carries one entry per claim):
  verdicts  ["holds", ...]                    cells and groups give a verdict as an index into it (-1: none)
  envs      [{label, device, torch, machine}] one per matrix column
  lines     ["1.13.1", ...]                   the release lines of the history strips
  strings   [...]
  docs      {file: {title, language}}
  claims    [{k: key, id, p: project, s: says, d: document file, t: topic, q: quote (string index),
              c: [verdict per env], g: [[verdict, parity 0/1, expected, observed, message, details, [env...] or null, warnings]],
              h: [[device, [[line, verdict, observed, warnings] ...]]], f: [cited source name, url] or absent,
              w: [env indices where it holds but warns] or absent}]
"""

from __future__ import annotations

from torchclaims.report.build import Report


class Strings:
    def __init__(self):
        self.index: dict[str, int] = {}

    def __call__(self, text: str) -> int:
        found = self.index.get(text)
        if found is None:
            found = self.index[text] = len(self.index)
        return found

    def table(self) -> list[str]:
        return list(self.index)


def payload(report: Report) -> dict:
    strings = Strings()
    verdict = {v: i for i, v in enumerate(report.verdicts)}
    verdict[""] = -1
    column = {env["env"]: i for i, env in enumerate(report.environments)}
    line = {name: i for i, name in enumerate(report.lines)}
    claims = []
    for c in report.claims:
        entry = {"k": c["key"], "id": c["claim"], "p": c["project"], "s": c["says"], "d": c["source"], "t": c["topic"],
                 "q": strings(c["quote"]), "c": [verdict[v] for v in c["cells"]],
                 "g": [[verdict[g["verdict"]], int(g["parity"]), strings(g["expected"]), strings(g["observed"]),
                        strings(g["message"]), strings(g["details"]),
                        None if g["envs"] is None else [column[e] for e in g["envs"]], strings(g["warnings"])]
                       for g in c["groups"]]}
        if c.get("warns"):
            entry["w"] = c["warns"]
        if c["strips"]:
            entry["h"] = [[s["device"], [[line[cell["torch"]], verdict.get(cell["verdict"], -1), strings(cell["observed"]),
                                          strings(cell.get("warnings", ""))]
                                         for cell in s["cells"]]] for s in c["strips"]]
        if c["quoted_from"]:
            entry["f"] = [c["quoted_from"][-1]["name"], c["quoted_from"][-1].get("url", "")]   # the earliest source: its words
        claims.append(entry)
    return {"verdicts": report.verdicts,
            "envs": [{"label": e["env"], "device": e["device"], "torch": e["torch"], "machine": e["machine"]}
                     for e in report.environments],
            "lines": report.lines, "strings": strings.table(),
            "docs": {key: {"title": d.title, "language": d.language} for key, d in report.documents.items()},
            "claims": claims}
