"""The check report as HTML, for JupyterLab and nbconvert (nbgrader feedback); the plain text stays on stdout.

Colours come only from JupyterLab's theme variables (``--jp-*``), so the card follows the light and dark
themes; where those variables are undefined (nbgrader's feedback page) the text inherits the page's colours
and stays readable. Pass or fail is said in words and symbols, never by colour alone.
"""

from __future__ import annotations

import html
from collections.abc import Iterable

from .. import messages
from ..catalog.standards import standard
from ..checks.findings import Finding, group_of, ranked, rule_of

# In JupyterLab the card replaces the same report printed as plain text (stdout) right after it; where the
# card cannot render or this CSS does not apply, both stay and nothing is lost.
REPORT_CSS = """
.kata-report{font-family:var(--jp-ui-font-family);font-size:var(--jp-ui-font-size1);
  color:var(--jp-ui-font-color1);background:var(--jp-layout-color2);
  border:1px solid var(--jp-border-color2);border-left:6px solid var(--kata-accent);
  border-radius:4px;padding:6px 10px;margin:2px 0;max-width:60em;line-height:1.45}
.kata-report.kata-pass{--kata-accent:var(--jp-success-color1)}
.kata-report.kata-fail{--kata-accent:var(--jp-error-color1)}
.kata-report .kata-head{font-weight:600;font-size:var(--jp-ui-font-size2);margin:0 0 2px}
.kata-report .kata-verdict{color:var(--kata-accent)}
.kata-report ul{margin:2px 0;padding-left:1.3em}
.kata-report li{margin:2px 0}
.kata-report code,.kata-report pre{font-family:var(--jp-code-font-family);font-size:var(--jp-code-font-size);
  color:var(--jp-content-font-color1);background:var(--jp-layout-color1);border-radius:2px;padding:0 3px}
.kata-report pre{padding:4px 6px;white-space:pre-wrap;border:1px solid var(--jp-border-color2)}
.kata-report dl{display:grid;grid-template-columns:max-content auto;gap:0 8px;margin:2px 0 2px 0.6em}
.kata-report dt{color:var(--jp-ui-font-color2)}
.kata-report dd{margin:0;white-space:pre-wrap}
.kata-report .kata-finding{border-top:1px solid var(--jp-border-color2);padding-top:3px;margin-top:3px}
.kata-report .kata-sev{font-variant:small-caps;color:var(--jp-ui-font-color2)}
.kata-report .kata-rule{color:var(--jp-ui-font-color2)}
.kata-report .kata-cheer{font-weight:600}
.kata-report summary{cursor:pointer;color:var(--jp-content-link-color)}
.jp-OutputArea-child:has(.kata-report)+.jp-OutputArea-child:has(>[data-mime-type="application/vnd.jupyter.stdout"]){
  display:none}
"""


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _code(text: str) -> str:
    """Escape, then show `backticked` parts as code, the way the plain report writes them."""
    parts = _e(text).split("`")
    return "".join(f"<code>{p}</code>" if i % 2 else p for i, p in enumerate(parts))


def _finding(finding: Finding) -> str:
    if finding.hidden:
        group = _e(group_of(finding.standard_id))
        label = f"<strong>? · {group}</strong> <span class='kata-rule'>(a standard in the {group} group)</span>"
    else:
        rule = _code(rule_of(finding.standard_id))
        label = f"<code>{_e(finding.standard_id)}</code> <span class='kata-rule'>{rule}</span>"
    rows = [("expected", finding.expected), ("got", finding.got)]
    if finding.hint:
        rows.append(("hint", finding.hint))
    cells = "".join(f"<dt>{name}</dt><dd>{_code(value)}</dd>" for name, value in rows)
    return (
        f"<li class='kata-finding'><span class='kata-sev'>{_e(finding.severity.name.lower())}</span> · {label}"
        f"<dl>{cells}</dl></li>"
    )


def report_html(
    *,
    exercise_id: str,
    title: str,
    standards: Iterable[str],
    findings: list[Finding],
    passed: bool,
    solution: str | None = None,
    progress_line: str = "",
    pending: int = 0,
    pending_reason: str = "",
) -> str:
    """The report card. ``solution`` (the reference answer) is only ever passed in once the check passes with
    every hidden case run; ``pending``: hidden cases that run only at grading (the card says so)."""
    standards = list(standards)
    verdict = "✅ Passed" if passed and not pending else "☑️ Visible checks pass" if passed else "❌ Not yet"
    rules = "".join(f"<li><code>{_e(s)}</code> <span class='kata-rule'>{_code(standard(s).rule)}</span></li>"
                    for s in standards)  # fmt: skip
    parts = [
        f"<style>{REPORT_CSS}</style>",
        f"<section class='kata-report {'kata-pass' if passed else 'kata-fail'}' role='status' "
        f"aria-label='{_e(verdict.split(' ', 1)[1])}: {_e(title)}' data-exercise='{_e(exercise_id)}'>",
        f"<p class='kata-head'><span class='kata-verdict'>{verdict}</span> · {_e(title)}</p>",
        f"<ul class='kata-standards' aria-label='standards'>{rules}</ul>",
    ]
    if passed and pending:
        why = pending_reason or messages.NO_SOLUTIONS
        parts.append(f"<p class='kata-pending'>{_e(messages.hidden_pending(pending, why))}</p>")
    elif passed:
        parts.append(f"<p class='kata-cheer'>🎉 Nicely done: your code keeps {_e(', '.join(standards))}.</p>")
    shown = ranked(findings)
    if shown:
        parts.append(f"<ul class='kata-findings' aria-label='findings'>{''.join(map(_finding, shown))}</ul>")
    if not passed:
        parts.append(f"<p>Stuck? Reveal a hint: <code>hints('{_e(exercise_id)}')</code> (the cell below).</p>")
    if progress_line:
        parts.append(f"<p class='kata-progress-line'>{_e(progress_line)}</p>")
    if passed and not pending and solution:
        parts.append(
            "<details class='kata-solution'><summary>Compare with the reference solution</summary>"
            f"<pre>{_e(solution)}</pre></details>"
        )
    parts.append("</section>")
    return "".join(parts)
