"""The console says what Telegram lets a person do with an order: a message of several lines
(``\\n``), an edit of an earlier message (``/editar``), a prefilled message box, and time that
passes (``--at``, ``/esperar``) so that a draw closes between preview and confirm."""

from __future__ import annotations

from pathlib import Path

from tests.integration.test_cli import _run

AT = "2026-11-23T07:50-04:00"  # a Monday, 07:50 in Caracas


def test_console_builds_edits_and_corrects_an_order(tmp_path: Path) -> None:
    lines = ["zulia 7:05pm 777 x5", "678 x5\\n679 x5", "/editar #1 zulia 7:05pm 776 x5", "/2",
             "/1"]
    result = _run(["console", "--at", AT], tmp_path, stdin="\n".join(lines) + "\n")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    edited = out.split("you> /editar")[1]
    assert "Editaste" in edited and "776" in edited.split("you> /2")[0]
    assert "Total: Bs. 15,00" in edited.split("you> /2")[0]
    assert "your message box now holds: zulia 19:05\\n776 678 679 x5" in out


def test_console_names_a_line_of_a_later_message_by_its_message(tmp_path: Path) -> None:
    lines = ["zulia 7:05pm 777 x5", "678 x5\\n444 5k"]
    result = _run(["console", "--at", AT], tmp_path, stdin="\n".join(lines) + "\n")
    assert result.returncode == 0, result.stderr
    second = result.stdout.split("you> 678")[1]
    assert "Mensaje 2, línea 2: «5k» — No entendí «5k»." in second
    assert "Línea 3" not in second


def test_console_clock_moves_on_and_a_closed_draw_is_offered_a_way_on(tmp_path: Path) -> None:
    lines = ["leon x5 activo 8am\\ntigre x5 activo 9am", "/esperar 6", "/1", "/1"]
    result = _run(["console", "--at", AT], tmp_path, stdin="\n".join(lines) + "\n")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "11:56 UTC" in out and "No se vendió nada" in out
    assert "Vender las abiertas · Bs. 5,00" in out
    sold = out.split("you> /1")[2]
    assert "Serial" in sold and "Tigre" in sold and "León" not in sold


def test_console_refuses_a_time_without_its_zone(tmp_path: Path) -> None:
    result = _run(["console", "--at", "2026-11-23T07:50"], tmp_path)
    assert result.returncode == 2 and "zone" in result.stderr
