"""The teaching notebooks: saved clean, with exercises and tagged answers; each runs top to bottom in a fresh
Jupyter kernel (nbclient + ipykernel, MPLBACKEND=Agg inherited), and so does its student copy.

Figures must show through the objects' own ``_repr_png_`` (no ``%matplotlib`` magic): the executed notebooks
are checked for image/png and text/html outputs.
"""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path

import pytest

from neurosim import notebooks as nbtool

ROOT = Path(__file__).resolve().parent.parent
FOLDER = ROOT / "docs" / "notebooks"
NOTEBOOKS = sorted(FOLDER.glob("*.ipynb"))
TIMEOUT = 120   # per cell; the whole set runs in well under two minutes


def _require(module: str):
    """Import a notebook-running dependency; under CI a missing one fails, locally it skips saying how to install."""
    if os.environ.get("CI", "").lower() == "true":
        return __import__(module)
    return pytest.importorskip(module, reason=f'{module} is missing: pip install -e ".[dev]"')


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def source(cell: dict) -> str:
    text = cell.get("source", "")
    return "".join(text) if isinstance(text, list) else text


def run(path: Path, cwd: Path) -> dict:
    """Execute the notebook at ``path`` in a fresh kernel of this interpreter; returns the executed notebook."""
    nbformat = _require("nbformat")
    nbclient = _require("nbclient")
    _require("ipykernel")
    nb = nbformat.read(str(path), as_version=4)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
               MPLBACKEND="Agg")
    # The "python3" kernel is the one ipykernel installs with this interpreter: put it first on PATH.
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    client = nbclient.NotebookClient(nb, timeout=TIMEOUT, kernel_name="python3",
                                     resources={"metadata": {"path": str(cwd)}})
    client.execute(env=env, cwd=str(cwd))
    return nb


def output_types(nb) -> set[str]:
    return {mime for cell in nb.cells if cell.cell_type == "code" for out in cell.get("outputs", [])
            for mime in out.get("data", {})}


def test_there_is_a_notebook_per_source_note_and_a_first_experiment():
    names = [p.stem for p in NOTEBOOKS]
    for topic in ("tong_wu", "gradients_3_4_2", "alsup", "some_notes", "van_vaerenbergh", "first_experiment"):
        assert any(topic in n for n in names), f"no notebook about {topic} in docs/notebooks"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_is_saved_clean_with_exercises_and_tagged_answers(path):
    nb = load(path)
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None, f"{path.name} is saved with outputs"
    exercises = [c for c in nb["cells"] if c["cell_type"] == "markdown" and re.search(r"^#+ Exercise", source(c), re.M)]
    answers = [c for c in nb["cells"] if nbtool.TAG in nbtool.tags(c)]
    assert len(exercises) >= 2, f"{path.name} has {len(exercises)} exercises"
    assert answers, f"{path.name} has no cell tagged {nbtool.TAG!r}"
    for cell in answers:
        # the keys' numbers come from neurosim: an answer is code, or prose without typed-in results
        if cell["cell_type"] == "markdown":
            assert not re.search(r"\d\.\d{3,}", source(cell)), f"{path.name}: an answer types in a number"
    code = "".join(source(c) for c in nb["cells"] if c["cell_type"] == "code")
    assert "%matplotlib" not in code, f"{path.name} uses a magic: figures must display by themselves"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_runs_and_shows_rich_output(path, tmp_path):
    nb = run(path, tmp_path)
    kinds = output_types(nb)
    assert "text/html" in kinds, f"{path.name} displays no rich object"
    code = "".join(c.source for c in nb.cells if c.cell_type == "code")
    if re.search(r"ns\.draw\(|ns\.plot\.", code):
        assert "image/png" in kinds, f"{path.name} draws, but no picture was displayed"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_student_copy_has_no_answers_and_still_runs(path, tmp_path):
    written = nbtool.strip(path, tmp_path / "handout")
    (copy, removed), = written
    original, student = load(path), load(copy)
    assert removed == sum(nbtool.TAG in nbtool.tags(c) for c in original["cells"]) > 0
    assert not any(nbtool.TAG in nbtool.tags(c) for c in student["cells"])
    assert len(student["cells"]) == len(original["cells"]) - removed
    run(copy, tmp_path)


def test_strip_command_writes_a_folder_and_refuses_bad_paths(tmp_path, capsys):
    assert nbtool.main(["strip", str(FOLDER), str(tmp_path / "out")]) == 0
    out = capsys.readouterr().out
    assert sorted(p.name for p in (tmp_path / "out").glob("*.ipynb")) == [p.name for p in NOTEBOOKS]
    assert "answer cell" in out
    assert nbtool.main(["strip", str(tmp_path / "nope"), str(tmp_path / "x")]) == 2
    assert "does not exist" in capsys.readouterr().err
    bad = tmp_path / "bad.ipynb"
    bad.write_text("{not json", encoding="utf-8")
    assert nbtool.main(["strip", str(bad), str(tmp_path / "y")]) == 2
    assert "not a notebook" in capsys.readouterr().err
    assert nbtool.main(["strip", str(NOTEBOOKS[0]), str(NOTEBOOKS[0])]) == 2
    assert "source notebook itself" in capsys.readouterr().err
    assert nbtool.main([]) == 2


def test_student_copy_keeps_everything_but_the_tagged_cells():
    nb = {"cells": [{"cell_type": "markdown", "metadata": {}, "source": "q"},
                    {"cell_type": "code", "metadata": {"tags": ["answer"]}, "source": "1", "outputs": [],
                     "execution_count": None},
                    {"cell_type": "code", "metadata": {"tags": ["other"]}, "source": "2",
                     "outputs": [{"output_type": "stream", "name": "stdout", "text": "2"}], "execution_count": 3}],
          "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    copy, removed = nbtool.student_copy(nb)
    assert removed == 1 and [c["source"] for c in copy["cells"]] == ["q", "2"]
    assert copy["cells"][1]["outputs"] == [] and copy["cells"][1]["execution_count"] is None
    assert nb["cells"][2]["outputs"], "the source notebook is left as it was"
    with pytest.raises(ValueError, match="notebook"):
        nbtool.student_copy({"cells": "x"})
