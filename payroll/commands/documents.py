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

DB_HELP = "데이터베이스 URL 또는 SQLite 파일 (기본: $PAYROLL_DB, 없으면 ./payroll.db)"
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
    raise InputError(f"{option} FILE이 필요합니다: {looked}에 {name}이(가) 없습니다 (예: {option} samples/small/{name})")


def _ytd_for(ytd_file, worker_id: str, year: int | None):
    from payroll.settlement import load_ytd_csv

    if not ytd_file:
        raise InputError("--ytd FILE이 필요합니다 (연초부터의 급여·세액; docs/documents-hr.md 참고)")
    rows = [r for r in load_ytd_csv(ytd_file) if r.worker_id == worker_id and (year is None or r.year == year)]
    if not rows:
        raise InputError(f"{ytd_file}: 근로자 {worker_id}의 " + (f"{year}년 " if year else "") + "행이 없습니다")
    if len(rows) > 1:
        raise InputError(f"{ytd_file}: 근로자 {worker_id}의 행이 여러 해에 걸쳐 있습니다; --year를 주세요")
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
        require_not_before(y.leaving_date, hire, f"{ytd_path}: 근로자 {y.worker_id} {y.year}년: leaving_date")


def _claims_for(claims_file, ytd):
    if not claims_file:
        return None
    from payroll.settlement import load_claims

    return load_claims(claims_file).get((ytd.worker_id, ytd.year))


@click.command("doc")
@click.argument("kind", type=click.Choice(KINDS))
@click.argument("worker_id", required=False)
@click.option("--all", "all_workers", is_flag=True, help="그 문서가 해당하는 모든 근로자")
@click.option("--year", type=int, help="귀속연도 (withholding, severance; 기본: --date의 연도)")
@click.option("--month", help="귀속월 YYYY-MM (daily; 기본: 마지막으로 실행한 달)")
@click.option("--out", "out_dir", default="out", show_default=True, type=click.Path(file_okay=False), help="문서를 쓸 폴더")
@click.option("--date", "date_text", help="발급일·제출일 YYYY-MM-DD (기본: 오늘)")
@click.option("--last-day", "last_day", help="최종 근무일 YYYY-MM-DD (resignation)")
@click.option("--reason", default="", help="중도포기 사유 (resignation)")
@click.option("--purpose", default="", help="용도 (career)")
@click.option("--employer", "employer_file", type=click.Path(dir_okay=False),
              help="사업장 설정 employer.toml (기본: $PAYROLL_EMPLOYER, ./inputs/ 또는 ./, 없으면 마지막 실행이 저장한 것)")
@click.option("--db", help=DB_HELP)
@click.option("--by", help="발급자 (발급 대장과 감사 기록; 기본: 로그인 이름)")
@click.option("--verbose", is_flag=True, help="--all: 문서가 해당하지 않는 근로자와 그 이유를 나열")
def doc_command(kind, worker_id, all_workers, year, month, out_dir, date_text, last_day, reason, purpose, employer_file, db, by, verbose):
    """인사 문서 (PDF + JSON + XLSX), 기록과 저장된 급여 실행에서: contract 근로계약서 | resignation 중도포기서 | career 경력증명서 | withholding 원천징수영수증 | severance 퇴직소득 영수증 | daily 일용 지급명세."""
    from payroll.cli import parse_date
    from payroll.commands.runs import _actor, _store
    from payroll.documents.office import load_office
    from payroll.employer import load_employer
    from payroll.record import papers, people
    from payroll.security.identifiers import check_month

    if bool(worker_id) == bool(all_workers):
        raise InputError("WORKER_ID나 --all 중 하나만 주세요")
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
            raise InputError(f"기록({store.url.split('@')[-1]})에 근로자 {worker_id!r}이(가) 없습니다")
        ids = [worker_id] if worker_id else sorted(roster.workers)
        office = load_employer(employer_file) if employer_file else load_office(session=s)
        if kind == "resignation":
            if all_workers:
                raise InputError("중도포기서(resignation)는 한 근로자의 것입니다: WORKER_ID를 주세요")
            day = parse_date(last_day, "--last-day")
            if day is None:
                raise InputError("중도포기서에는 --last-day(최종 근무일)가 필요합니다")
            paper = papers.resignation_paper(s, worker_id, day, reason, issued, office, actor)
            written += papers.write(out, paper)
            click.echo(f"기록함: {worker_id}은(는) {day}까지 근무; {day:%Y-%m} 실행이 퇴직 정산을 합니다")
            ids = []
        if kind == "daily" and month is None:
            from payroll.store.models import Run
            from sqlmodel import select

            month = s.exec(select(Run.month).where(Run.month <= f"{issued:%Y-%m}").order_by(Run.month.desc())).first()
            if month is None:
                raise InputError("저장된 실행이 아직 없습니다: 실행한 달을 --month YYYY-MM로 주세요 (먼저 payroll run MONTH)")
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
                        not_applicable.append(f"{wid}: {year}년 퇴직자가 아님")
                        continue
                    made = [papers.severance_paper(s, wid, year, office, issued)]
                else:
                    if w.income_type != "daily":
                        if all_workers:
                            continue
                        raise InputError(f"근로자 {wid}은(는) 일용근로자가 아닙니다 (income_type = {w.income_type})")
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
        click.echo(f"해당 없음 {len(not_applicable)}명 (퇴직자가 아님, 자격 없음, 또는 그 달·해를 아직 실행하지 않음); --verbose로 목록을 봅니다", err=True)
        if verbose:
            for line in not_applicable:
                click.echo(f"  {line}", err=True)
    if skipped:
        click.echo(f"건너뛴 근로자 {len(skipped)}명:", err=True)
        for line in skipped:
            click.echo(f"  {line}", err=True)


@click.command("settle")
@click.argument("worker_id")
@click.option("--ytd", "ytd_file", type=click.Path(dir_okay=False), help="연초부터의 급여·세액 CSV (기본: ./ 또는 ./inputs/의 ytd.csv)")
@click.option("--claims", "claims_file", type=click.Path(dir_okay=False), help="소득·세액공제신고서 JSON")
@click.option("--year", type=int, help="귀속연도")
@click.option("--json", "as_json", is_flag=True, help="JSON 출력")
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
