"""`payroll doc …` (근로계약서, 중도포기서, 경력증명서, 원천징수영수증, 퇴직소득 영수증, 일용 지급명세) from the
record and the stored runs, and `payroll settle` (a settlement preview from a year-to-date file)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from payroll.errors import InputError, NotApplicable, dumps
from payroll.money import won

#: the documents `payroll doc` makes (payroll.record.papers makes them; imported when one is made)
KINDS = ("contract", "resignation", "career", "withholding", "severance", "daily")

DB_HELP = "database URL or SQLite file (default: $PAYROLL_DB, else ./payroll.db)"
SEARCH_DIRS = (".", "inputs")


def _find(given, name: str, option: str, beside: Path | None = None, required: bool = True) -> Path | None:
    """``given``, else ``name`` in ./ or ./inputs/; the error says which option to give."""
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
@click.option("--year", type=int, help="귀속연도 (withholding, severance; default: the year of --date)")
@click.option("--month", help="귀속월 YYYY-MM (daily; default: the latest month run)")
@click.option("--out", "out_dir", default="out", show_default=True, type=click.Path(file_okay=False))
@click.option("--date", "date_text", help="발급일·제출일 YYYY-MM-DD (기본: 오늘)")
@click.option("--last-day", "last_day", help="최종 근무일 YYYY-MM-DD (resignation)")
@click.option("--reason", default="", help="중도포기 사유 (resignation)")
@click.option("--purpose", default="", help="용도 (career)")
@click.option("--employer", "employer_file", type=click.Path(dir_okay=False),
              help="사업장 설정 employer.toml (default: $PAYROLL_EMPLOYER, ./inputs/ or ./, else the one the latest run stored)")
@click.option("--db", help=DB_HELP)
@click.option("--by", help="who issues (register and audit log; default: login name)")
@click.option("--verbose", is_flag=True, help="--all: list the workers the document does not apply to, with the reason")
def doc_command(kind, worker_id, all_workers, year, month, out_dir, date_text, last_day, reason, purpose, employer_file, db, by, verbose):
    """HR 문서 (PDF + JSON + XLSX), 기록과 저장된 급여 실행에서: contract | resignation | career | withholding | severance | daily."""
    from payroll.cli import parse_date
    from payroll.commands.runs import _actor, _store
    from payroll.documents.office import load_office
    from payroll.employer import load_employer
    from payroll.record import papers, people
    from payroll.security.identifiers import check_month

    if bool(worker_id) == bool(all_workers):
        raise InputError("give a WORKER_ID or --all (not both)")
    if month is not None:
        check_month(month)  # it names the document files
    issued = parse_date(date_text, "--date") or dt.date.today()  # clock ok: the issue date a person asks for
    year = year or issued.year
    store = _store(db)
    actor = _actor(by)
    out = Path(out_dir)
    written: list[Path] = []
    skipped: list[str] = []
    not_applicable: list[str] = []
    with store.session() as s:
        roster = people.roster_as_of(s, issued)
        if worker_id and worker_id not in roster.workers:
            raise InputError(f"no worker {worker_id!r} in the record ({store.url.split('@')[-1]})")
        ids = [worker_id] if worker_id else sorted(roster.workers)
        office = load_employer(employer_file) if employer_file else load_office(session=s)
        if kind == "resignation":
            if all_workers:
                raise InputError("resignation is for one worker: give WORKER_ID")
            day = parse_date(last_day, "--last-day")
            if day is None:
                raise InputError("--last-day is required for a 중도포기서")
            paper = papers.resignation_paper(s, worker_id, day, reason, issued, office, actor)
            written += papers.write(out, paper)
            click.echo(f"recorded: {worker_id} leaves after {day}; the run of {day:%Y-%m} settles the leaver")
            ids = []
        if kind == "daily" and month is None:
            from payroll.store.models import Run
            from sqlmodel import select

            month = s.exec(select(Run.month).where(Run.month <= f"{issued:%Y-%m}").order_by(Run.month.desc())).first()
            if month is None:
                raise InputError("no run stored yet: --month YYYY-MM of a run (payroll run MONTH first)")
        leavers = set(papers.leavers(s, year)) if kind == "severance" else set()
        for wid in ids:
            w = roster.workers[wid]
            try:
                if kind == "contract":
                    made = papers.contract_papers(s, wid, office)
                elif kind == "career":
                    if all_workers and not any(c.start <= issued for c in roster.contracts_of(wid)):
                        continue
                    made = [papers.career_paper(s, wid, office, issued, actor, purpose)]
                elif kind == "withholding":
                    if all_workers and w.income_type == "daily":
                        continue
                    made = [papers.withholding_paper(s, wid, year, office, issued)]
                elif kind == "severance":
                    if all_workers and wid not in leavers:
                        not_applicable.append(f"{wid}: not leaving in {year}")
                        continue
                    made = [papers.severance_paper(s, wid, year, office, issued)]
                else:
                    if w.income_type != "daily":
                        if all_workers:
                            continue
                        raise InputError(f"worker {wid} is not a daily worker (income_type = {w.income_type})")
                    made = [papers.daily_paper(s, wid, month, office, issued)]
            except NotApplicable as exc:
                if not all_workers:
                    raise
                not_applicable.append(f"{wid}: {exc}")
                continue
            except InputError as exc:
                if not all_workers:
                    raise
                skipped.append(f"{wid}: {exc}")
                continue
            for paper in made:
                written += papers.write(out, paper)
    for p in written:
        click.echo(str(p))
    if not_applicable:
        click.echo(f"{len(not_applicable)} worker(s) not applicable (not leaving, not eligible, or the month or year not run yet); --verbose lists them", err=True)
        if verbose:
            for line in not_applicable:
                click.echo(f"  {line}", err=True)
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
