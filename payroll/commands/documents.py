"""`payroll doc …` (근로계약서, 중도포기서, 경력증명서, 원천징수영수증, 퇴직소득 영수증, 일용 지급명세)
and `payroll settle` (a leaver's settlement preview with its trace)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from payroll.case import InputError, dumps
from payroll.csvfile import read_rows
from payroll.money import won

KINDS = ("contract", "resignation", "career", "withholding", "severance", "daily")


#: where a file not given on the command line is looked for, in order (the inputs layout of
#: docs/runs.md keeps roster.csv, contracts.csv, ytd.csv and wages.csv side by side)
SEARCH_DIRS = (".", "inputs")


def _find(given, name: str, option: str, beside: Path | None = None, required: bool = True) -> Path | None:
    """``given``, else ``name`` beside the roster, else in ./ or ./inputs/; the error says which option to give."""
    if given:
        return Path(given)
    places = ([beside] if beside is not None else []) + [Path(d) for d in SEARCH_DIRS]
    for d in places:
        if (d / name).is_file():
            return d / name
    if not required:
        return None
    looked = ", ".join(dict.fromkeys(f"{d}/" for d in places))
    raise InputError(f"{option} FILE is required: no {name} in {looked} (e.g. {option} samples/small/{name})")


def _roster(roster, contracts):
    from payroll.roster import load_roster

    roster_path = _find(roster, "roster.csv", "--roster")
    contracts_path = _find(contracts, "contracts.csv", "--contracts", beside=roster_path.parent)
    return load_roster(roster_path, contracts_path), roster_path.parent


def _leaving_day(data: Path, r, wid: str, until: dt.date) -> tuple[dt.date | None, str]:
    """The worker's last working day and where it comes from: a recorded 중도포기서, else the end of
    the worker's service (the last contract's end, not continued by another) on or before ``until``."""
    from payroll.documents.resignation import leaving_date

    day = leaving_date(data, wid)
    if day is not None:
        return day, f"중도포기서 ({data / 'resignations.csv'})"
    cs = sorted(r.contracts_of(wid), key=lambda c: c.start)
    if not cs or any(c.end is None for c in cs):
        return None, "no 중도포기서 and an open-ended contract"
    end = max(c.end for c in cs)
    if end > until:
        return None, f"still employed on {until} (contract ends {end})"
    return end, "계약 종료"


def _stamp_date(data: dict) -> dt.date | None:
    """The document's own date (issue or submission), which stamps its XLSX; None → the zip epoch."""
    for key in ("issued_on", "submitted_on"):
        if data.get(key):
            return dt.date.fromisoformat(data[key])
    return None


def _write(out: Path, stem: str, pdf: bytes, data: dict) -> list[Path]:
    """``<stem>.pdf`` and its data twice: ``<stem>.json`` and ``<stem>.xlsx`` (payroll/documents/data_xlsx.py)."""
    from payroll.documents.data_xlsx import data_workbook

    from payroll.security.identifiers import contained

    out.mkdir(parents=True, exist_ok=True)
    p, j, x = (contained(out, f"{stem}{suffix}") for suffix in (".pdf", ".json", ".xlsx"))
    p.write_bytes(pdf)
    j.write_text(dumps(data) + "\n", encoding="utf-8")
    x.write_bytes(data_workbook(data, _stamp_date(data)))
    return [p, j, x]


def load_wages_csv(path: str | Path) -> dict[str, dict[str, int]]:
    """worker_id, month (YYYY-MM), wages → {worker: {month: wages}} for the 평균임금."""
    path = Path(path)
    out: dict[str, dict[str, int]] = {}
    for line, row in read_rows(path, ("worker_id", "month", "wages")):
        try:
            dt.date.fromisoformat(row["month"].strip() + "-01")
            amount = int(row["wages"])
        except ValueError:
            raise InputError(f"{path}: row {line}: month or wages: not YYYY-MM / a whole number") from None
        if amount < 0:
            raise InputError(f"{path}: row {line}: wages: must be ≥ 0")
        month = row["month"].strip()
        if month in out.setdefault(row["worker_id"].strip(), {}):
            raise InputError(f"{path}: row {line}: month: {month} given twice for {row['worker_id']}")
        out[row["worker_id"].strip()][month] = amount
    return out


def _ytd_for(ytd_file, worker_id: str, year: int | None):
    from payroll.settlement import load_ytd_csv

    if not ytd_file:
        raise InputError("--ytd FILE is required (year-to-date figures; see docs/documents-hr.md)")
    rows = [r for r in load_ytd_csv(ytd_file) if r.worker_id == worker_id and (year is None or r.year == year)]
    if not rows:
        raise InputError(f"{ytd_file}: no row for worker {worker_id}" + (f" in {year}" if year else ""))
    if len(rows) > 1:
        raise InputError(f"{ytd_file}: worker {worker_id} has rows for several years; give --year")
    return rows[0]


def hire_date(worker, contracts) -> dt.date | None:
    """The worker's first day with this employer: first_hire_date, or the first contract's start."""
    starts = [c.start for c in contracts] + ([worker.first_hire_date] if worker.first_hire_date else [])
    return min(starts) if starts else None


def _check_leaving(ytd_path, y, worker, contracts) -> None:
    """A ytd leaving date before the hire date is an input error naming it (a receipt whose 근무기간 runs backwards is not drawn)."""
    from payroll.periods import require_not_before

    hire = hire_date(worker, contracts)
    if y.leaving_date is not None and hire is not None:
        require_not_before(y.leaving_date, hire, f"{ytd_path}: worker {y.worker_id} {y.year}: leaving_date")


def _claims_for(claims_file, ytd):
    if not claims_file:
        return None
    from payroll.settlement import load_claims

    return load_claims(claims_file).get((ytd.worker_id, ytd.year))


@click.command("doc")
@click.argument("kind", type=click.Choice(KINDS))
@click.argument("worker_id", required=False)
@click.option("--all", "all_workers", is_flag=True, help="every worker the document applies to")
@click.option("--roster", type=click.Path(dir_okay=False), help="roster.csv (default: ./roster.csv, else ./inputs/roster.csv)")
@click.option("--contracts", type=click.Path(dir_okay=False), help="contracts.csv (default: beside the roster, else ./ or ./inputs/)")
@click.option("--year", type=int, help="귀속연도 (withholding)")
@click.option("--out", "out_dir", default="out", show_default=True, type=click.Path(file_okay=False))
@click.option("--data", "data_dir", default="data", show_default=True, type=click.Path(file_okay=False), help="registers (중도포기서, 경력증명서 발급대장)")
@click.option("--date", "date_text", help="발급일·제출일 YYYY-MM-DD (기본: 오늘)")
@click.option("--ytd", "ytd_file", type=click.Path(dir_okay=False), help="year-to-date CSV (withholding; default: ytd.csv beside the roster)")
@click.option("--claims", "claims_file", type=click.Path(dir_okay=False), help="소득·세액공제신고서 JSON (withholding)")
@click.option("--last-day", "last_day", help="최종 근무일 YYYY-MM-DD (resignation; severance default: the recorded 중도포기서, else the end of the last contract)")
@click.option("--reason", default="", help="중도포기 사유 (resignation)")
@click.option("--wages", "wages_file", type=click.Path(dir_okay=False), help="worker_id,month,wages CSV (severance; default: wages.csv beside the roster)")
@click.option("--irp", is_flag=True, help="퇴직금을 연금계좌로 이체 (severance: 원천징수 없음)")
@click.option("--daily", "daily_file", type=click.Path(dir_okay=False), help="일용 지급 CSV (daily)")
@click.option("--month", help="귀속월 YYYY-MM (daily)")
@click.option("--purpose", default="", help="용도 (career)")
def doc_command(kind, worker_id, all_workers, roster, contracts, year, out_dir, data_dir, date_text, ytd_file, claims_file,
                last_day, reason, wages_file, irp, daily_file, month, purpose):
    """HR 문서 (PDF + JSON): contract | resignation | career | withholding | severance | daily."""
    from payroll.cli import parse_date
    from payroll.documents.office import load_office

    from payroll.security.identifiers import check_month

    if bool(worker_id) == bool(all_workers):
        raise InputError("give a WORKER_ID or --all (not both)")
    if month is not None:
        check_month(month)  # it names the document files
    issued = parse_date(date_text, "--date") or dt.date.today()
    r, inputs = _roster(roster, contracts)
    office = load_office()
    out, data = Path(out_dir), Path(data_dir)
    if worker_id and worker_id not in r.workers:
        raise InputError(f"{roster}: no worker {worker_id!r}")
    ids = [worker_id] if worker_id else sorted(r.workers)
    written: list[Path] = []
    skipped: list[str] = []
    not_leaving: list[str] = []  # severance --all: no 중도포기서 and service not ended by --date
    for wid in ids:
        w = r.workers[wid]
        cs = r.contracts_of(wid)
        if kind == "contract":
            from payroll.documents.contract import contract_data, contract_pdf

            for c in cs:
                written += _write(out, f"contract-{c.contract_id}", contract_pdf(w, c, office), contract_data(w, c, office))
        elif kind == "resignation":
            from payroll.documents import resignation as rs

            if all_workers:
                raise InputError("resignation is for one worker: give WORKER_ID")
            day = parse_date(last_day, "--last-day")
            if day is None:
                raise InputError("--last-day is required for a 중도포기서")
            c = r.contract_on(wid, day)
            if c is None:
                raise InputError(f"--last-day: worker {wid} has no contract on {day}")
            res = rs.validate(w, c, day, reason, issued)
            written += _write(out, f"resignation-{wid}-{c.contract_id}", rs.resignation_pdf(w, c, res, office), rs.resignation_data(w, c, res, office))
            written.append(rs.record(data, res))
            click.echo(f"recorded: {wid} leaves after {day} (contract {c.contract_id}); settle with `payroll settle {wid} --ytd …`")
        elif kind == "career":
            from payroll.documents import career

            if not cs:
                continue
            number = career.next_issue_number(data, issued)
            written += _write(out, f"career-{wid}-{number}", career.career_pdf(w, cs, office, issued, number, purpose),
                              career.career_data(w, cs, office, issued, number, purpose))
            written.append(career.record_issue(data, number, wid, issued, purpose))
        elif kind == "withholding":
            from payroll.documents.withholding_receipt import withholding_data, withholding_pdf
            from payroll.settlement import settle

            ytd_path = _find(ytd_file, "ytd.csv", "--ytd", beside=inputs)
            try:
                y = _ytd_for(ytd_path, wid, year)
            except InputError as exc:
                if all_workers:
                    skipped.append(f"{wid}: {exc}")
                    continue
                raise
            _check_leaving(ytd_path, y, w, cs)
            s = settle(y, _claims_for(claims_file, y))
            left, _ = _leaving_day(data, r, wid, dt.date(y.year, 12, 31))
            end = y.leaving_date or (left if left is not None and left.year == y.year else None) or dt.date(y.year, 12, 31)
            starts = [c.start for c in cs if c.start.year <= y.year and (c.end is None or c.end.year >= y.year)]
            start = max(dt.date(y.year, 1, 1), min(starts)) if starts else dt.date(y.year, 1, 1)
            written += _write(out, f"withholding-{wid}-{y.year}", withholding_pdf(w, s, office, (start, end), issued),
                              withholding_data(w, s, office, (start, end), issued))
        elif kind == "severance":
            from payroll.documents.retirement_receipt import retirement_data, retirement_pdf
            from payroll.severance import compute_severance

            day = parse_date(last_day, "--last-day")
            if day is None:
                day, why = _leaving_day(data, r, wid, issued)
                if day is None:
                    if all_workers:
                        not_leaving.append(wid)
                        continue
                    raise InputError(f"--last-day is required for {wid}: {why} (no 중도포기서 in {data / 'resignations.csv'})")
            wages_path = _find(wages_file, "wages.csv", "--wages", beside=inputs)
            wages = load_wages_csv(wages_path).get(wid, {})
            try:
                s = compute_severance(wid, cs, day, wages, to_pension_account=irp, job=w.job)
            except ValueError as exc:
                if all_workers:
                    skipped.append(f"{wid}: {exc}")
                    continue
                raise InputError(f"{wages_path}: {exc} (a row worker_id,month,wages for each month)") from None
            if not s.eligible:
                click.echo(f"{wid}: 퇴직금 지급 대상 아님 — {s.reason}")
                continue
            written += _write(out, f"severance-{wid}", retirement_pdf(w, s, office, issued), retirement_data(w, s, office, issued))
        elif kind == "daily":
            from payroll.documents.daily_statement import daily_data, daily_pdf, load_daily_csv

            if w.income_type != "daily":
                if all_workers:
                    continue
                raise InputError(f"worker {wid} is not a daily worker (income_type = {w.income_type})")
            if not daily_file or not month:
                raise InputError("--daily FILE and --month YYYY-MM are required")
            rows = load_daily_csv(daily_file)
            written += _write(out, f"daily-{wid}-{month}", daily_pdf(w, month, rows, office, issued), daily_data(w, month, rows, office, issued))
    for p in written:
        click.echo(str(p))
    if not_leaving:
        click.echo(f"{len(not_leaving)} worker(s) not leaving by {issued} (no 중도포기서, contract not ended): no 퇴직금", err=True)
    if skipped:
        click.echo(f"{len(skipped)} worker(s) skipped:", err=True)
        for line in skipped:
            click.echo(f"  {line}", err=True)


@click.command("settle")
@click.argument("worker_id")
@click.option("--ytd", "ytd_file", type=click.Path(dir_okay=False), help="year-to-date CSV (default: ytd.csv in ./ or ./inputs/)")
@click.option("--claims", "claims_file", type=click.Path(dir_okay=False), help="소득·세액공제신고서 JSON")
@click.option("--year", type=int)
@click.option("--json", "as_json", is_flag=True)
def settle_command(worker_id, ytd_file, claims_file, year, as_json):
    """중도퇴사자 (또는 연말) 정산 미리보기: 두 경로와 근거를 모두 보여 줌."""
    from payroll.settlement import settle

    ytd_path = _find(ytd_file, "ytd.csv", "--ytd")
    y = _ytd_for(ytd_path, worker_id, year)
    roster_path = _find(None, "roster.csv", "--roster", beside=ytd_path.parent, required=False)
    contracts_path = roster_path and _find(None, "contracts.csv", "--contracts", beside=roster_path.parent, required=False)
    if roster_path and contracts_path:  # the roster beside the ytd file dates the hire
        from payroll.roster import load_roster

        r = load_roster(roster_path, contracts_path)
        if worker_id in r.workers:
            _check_leaving(ytd_path, y, r.workers[worker_id], r.contracts_of(worker_id))
    s = settle(y, _claims_for(claims_file, y))
    if as_json:
        click.echo(dumps(s.as_dict()))
        return
    click.echo(f"{worker_id} {y.year}년 정산 — 적용 경로: {s.path}")
    for t in s.trace:
        click.echo(f"  {t['note']:<48} {won(t['value']):>14}")
        click.echo(f"  {'':<48} ↳ {t['reference']}")
    click.echo(f"최종 급여명세서: 연말정산 소득세 {won(s.income_tax)}원, 지방소득세 {won(s.local_income_tax)}원 (음수는 환급)")


def register(cli: click.Group) -> None:
    from payroll.cli import guarded

    for command in (doc_command, settle_command):
        command.callback = guarded(command.callback)
        cli.add_command(command)
