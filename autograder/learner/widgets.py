"""ipywidgets for the notebook: the hint ladder and the progress panels.

Each widget is shown as two outputs: a static HTML/text fallback, then the live widget. In JupyterLab the
fallback hides itself (CSS) as soon as the widget beside it renders; where widgets cannot render (nbconvert
HTML, nbgrader feedback, a terminal) the fallback is what the reader sees. Colours come from JupyterLab's
theme variables only.
"""

from __future__ import annotations

import html
from pathlib import Path

from ..catalog.exercises import exercise_info
from . import progress

FALLBACK_CSS = """
.jp-OutputArea-child:has(.kata-fallback):has(+.jp-OutputArea-child .kata-live){display:none}
.kata-live,.kata-fallback{font-family:var(--jp-ui-font-family);color:var(--jp-ui-font-color1);max-width:60em}
.kata-live .kata-panel,.kata-fallback{background:var(--jp-layout-color2);border:1px solid var(--jp-border-color2);
  border-radius:4px;padding:4px 10px}
.kata-live ol,.kata-live ul,.kata-fallback ol,.kata-fallback ul{margin:2px 0;padding-left:1.4em}
.kata-live ul.kata-rows,.kata-fallback ul.kata-rows{list-style:none;padding-left:0.4em}
.kata-live .kata-next{font-weight:600}
.kata-live .kata-muted,.kata-fallback .kata-muted{color:var(--jp-ui-font-color2)}
"""

_clicks: dict[str, int] = {}  # hints revealed with the button, per exercise (kept while the kernel lives)
_text_calls: dict[str, int] = {}  # hints(...) calls, for the plain-text ladder
shown_last: dict[str, object] = {}  # the newest HintLadder / ProgressPanel shown (for tests and debugging)


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _code(text: str) -> str:
    parts = _e(text).split("`")
    return "".join(f"<code>{p}</code>" if i % 2 else p for i, p in enumerate(parts))


def _show(widget, fallback_html: str, fallback_text: str) -> None:
    """Display the static fallback, then the widget (whose own text/plain is empty: the fallback has it)."""
    from IPython.display import publish_display_data

    publish_display_data({
        "text/html": f"<style>{FALLBACK_CSS}</style><div class='kata-fallback'>{fallback_html}</div>",
        "text/plain": fallback_text,
    })  # fmt: skip
    widget.add_class("kata-live")
    view = {"version_major": 2, "version_minor": 0, "model_id": widget.model_id}
    publish_display_data({"application/vnd.jupyter.widget-view+json": view, "text/plain": ""})


# -- hint ladder ---------------------------------------------------------------------------------------


def _hint_list(hints: tuple[str, ...], shown: int) -> str:
    return "<ol class='kata-hints'>" + "".join(f"<li>{_code(h)}</li>" for h in hints[:shown]) + "</ol>"


def hint_text(exercise_id: str, shown: int) -> str:
    info = exercise_info(exercise_id)
    lines = [f"Hints for “{info.title}” ({shown} of {len(info.hints)}):"]
    lines += [f"  {n}. {text}" for n, text in enumerate(info.hints[:shown], start=1)]
    if shown < len(info.hints):
        lines.append("  Run again for the next hint.")
    return "\n".join(lines)


class HintLadder:
    """A button that reveals an exercise's hints one at a time, nudge first, near-answer last."""

    def __init__(self, exercise_id: str):
        import ipywidgets as w

        self.info = exercise_info(exercise_id)
        self.header = w.HTML()
        self.body = w.HTML()
        self.button = w.Button(icon="lightbulb-o", layout=w.Layout(width="auto"))
        self.button.on_click(lambda _: self.reveal_next())
        self.widget = w.VBox([self.header, self.body, self.button])
        self.widget.add_class("kata-panel")
        self.widget.add_class("kata-hint-ladder")
        self._render()

    @property
    def shown(self) -> int:
        return _clicks.get(self.info.id, 0)

    def reveal_next(self) -> None:
        _clicks[self.info.id] = min(self.shown + 1, len(self.info.hints))
        self._render()

    def _render(self) -> None:
        total, shown = len(self.info.hints), self.shown
        self.header.value = f"<strong>💡 Hints</strong> for “{_e(self.info.title)}” · {shown} of {total} shown"
        self.body.value = f"<div aria-live='polite'>{_hint_list(self.info.hints, shown)}</div>" if shown else ""
        done = shown >= total
        self.button.description = f"All {total} hints shown" if done else f"Show hint {shown + 1} of {total}"
        self.button.tooltip = "No more hints: compare with the reference once your check passes" if done else (
            "Reveal the next hint (each one says a little more)")  # fmt: skip
        self.button.disabled = done


def _in_kernel() -> bool:
    """Whether we run in a Jupyter kernel (where widgets can render), not plain Python or a test."""
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and hasattr(shell, "kernel")


def show_hints(exercise_id: str) -> None:
    """Show the hint ladder for an exercise (button in JupyterLab, the next hint as text elsewhere)."""
    info = exercise_info(exercise_id)
    calls = min(_text_calls.get(exercise_id, 0) + 1, len(info.hints))
    _text_calls[exercise_id] = calls
    text = hint_text(exercise_id, calls)
    if not _in_kernel():
        print(text)
        return
    ladder = HintLadder(exercise_id)
    fallback = (
        f"<strong>💡 Hints</strong> for “{_e(info.title)}” ({calls} of {len(info.hints)}):"
        + _hint_list(info.hints, calls)
        + ("<span class='kata-muted'>Run the cell again for the next hint.</span>" if calls < len(info.hints) else "")
    )
    _show(ladder.widget, fallback, text)
    shown_last["hints"] = ladder


# -- progress ------------------------------------------------------------------------------------------


def _saved_note(workspace: Path | None) -> str:
    if workspace is None:
        return "Progress is kept only while this kernel runs: open the lessons from my-work/ to save it."
    return f"Saved in {workspace.name}/{progress.PROGRESS_FILE}: it survives a kernel restart."


def _rows_html(rows: list[progress.ExerciseStatus], nxt) -> str:
    items = []
    for row in rows:
        mark = "✔" if row.done else "○"
        is_next = nxt is not None and row is nxt
        cls = " class='kata-next'" if is_next else ""
        tail = " ← next" if is_next else ""
        items.append(f"<li{cls}>{mark} {_e(row.info.title)} <span class='kata-muted'>· {_e(row.label)} · "
                     f"<code>{_e(row.info.id)}</code></span>{tail}</li>")  # fmt: skip
    return "<ul class='kata-rows'>" + "".join(items) + "</ul>"


class ProgressPanel:
    """Progress of one lesson, or of every lesson; it refreshes itself each time a check records a result."""

    def __init__(self, lesson: str | None = None):
        import ipywidgets as w

        self.lesson = lesson
        self.workspace = progress.workspace_dir()
        progress.statuses(self.workspace, lesson)  # an unknown lesson fails here, before anything is shown
        self.header = w.HTML()
        self.bars: dict[str, tuple] = {}
        children = [self.header]
        if lesson is None:
            for lesson_id in progress.lessons():
                label = w.Label(progress.lesson_title(lesson_id), layout=w.Layout(width="16em"))
                bar = w.IntProgress(min=0, max=1, layout=w.Layout(width="14em"))
                count = w.Label()
                self.bars[lesson_id] = (bar, count)
                children.append(w.HBox([label, bar, count]))
        else:
            bar = w.IntProgress(min=0, max=1, layout=w.Layout(width="24em"))
            count = w.Label()
            self.bars[lesson] = (bar, count)
            children.append(w.HBox([bar, count]))
        self.rows = w.HTML()
        self.footer = w.HTML()
        children += [self.rows, self.footer]
        self.widget = w.VBox(children)
        self.widget.add_class("kata-panel")
        self.widget.add_class("kata-progress")
        self.refresh()
        progress.add_listener(self._on_result)

    def _on_result(self, exercise_id: str, passed: bool) -> None:
        self.refresh()

    def refresh(self) -> None:
        table = progress.statuses(self.workspace, self.lesson)
        nxt = progress.next_exercise(table)
        done = sum(r.done for rows in table.values() for r in rows)
        total = sum(len(rows) for rows in table.values())
        for lesson_id, (bar, count) in self.bars.items():
            rows = table[lesson_id]
            lesson_done = sum(r.done for r in rows)
            bar.max, bar.value = max(len(rows), 1), lesson_done
            bar.bar_style = "success" if lesson_done == len(rows) else "info"
            bar.description_allow_html = False
            count.value = f"{lesson_done} of {len(rows)} done"
        scope = f"Lesson {progress.lesson_title(self.lesson)}" if self.lesson else "All lessons"
        self.header.value = f"<strong>📈 Your progress</strong> · {_e(scope)}: {done} of {total} exercises done"
        if self.lesson:
            self.rows.value = _rows_html(table[self.lesson], nxt)
        elif nxt is not None:
            self.rows.value = (f"<p class='kata-next'>Next: {_e(nxt.info.title)} <code>{_e(nxt.info.id)}</code> in "
                               f"lesson {_e(progress.lesson_title(nxt.info.lesson))}</p>")  # fmt: skip
        else:
            self.rows.value = "<p class='kata-next'>🎉 Every exercise passes. Well done!</p>"
        if self.lesson and done == total:
            self.rows.value += "<p class='kata-next'>🎉 Lesson complete!</p>"
        self.footer.value = f"<span class='kata-muted'>{_e(_saved_note(self.workspace))}</span>"


def show_progress(lesson: str | None = None) -> None:
    """Show progress for one lesson (``"01-key-design"``) or, with no argument, for every lesson."""
    workspace = progress.workspace_dir()
    text = progress.text_report(workspace, lesson)
    if not _in_kernel():
        print(text)
        return
    panel = ProgressPanel(lesson)
    fallback = f"<pre>{_e(text)}</pre>"
    _show(panel.widget, fallback, text)
    shown_last["progress"] = panel
