"""`payroll yearend`: the 연말정산 of everyone employed on 31 December (소득세법 §137), and its 신고서.

    payroll yearend 2026 [--json]             settle, record the batch, write receipts and the exceptions
    payroll yearend template 2026 --out F     the 소득·세액공제신고서 XLSX to fill in
    payroll yearend import F.xlsx --year 2026 record the 신고서 (each worker's next version)
    payroll yearend spread 2026 W001 --spread 분납 (§137④) choice of a worker
    payroll yearend show 2026 W001 [--json]   one worker's result in the latest batch, with its trace
    payroll yearend receipt 2026 W001         that worker's 원천징수영수증 (PDF, XLSX, JSON)
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

import click

from payroll.errors import InputError, dumps
from payroll.commands.runs import DB_HELP, _actor, _store
from payroll.money import won


class _YearOrCommand(click.Group):
    """``payroll yearend 2026`` is ``payroll yearend settle 2026``: a year where a subcommand would be."""

    def parse_args(self, ctx, args):
        if args and args[0] not in self.commands and args[0][:1].isdigit():
            args = ["settle", *args]
        return super().parse_args(ctx, args)


def _year(text: str) -> int:
    if not (text.isdigit() and len(text) == 4):
        raise InputError(f"YEAR: 연도(YYYY)가 아닙니다: {text!r}")
    return int(text)


@click.group("yearend", cls=_YearOrCommand, invoke_without_command=False)
def yearend_group() -> None:
    """연말정산 (12월 31일 재직자): payroll yearend YEAR | template | import | spread | show."""


@yearend_group.command("settle")
@click.argument("year")
@click.option("--ytd", "ytd_file", type=click.Path(dir_okay=False), help="첫 저장 실행 이전 급여의 기초 자료 (ytd.csv)")
@click.option("--out", "out_dir", default="runs", show_default=True, type=click.Path(file_okay=False), help="파일은 OUT/yearend/YEAR/BATCH_ID/에")
@click.option("--date", "date_text", help="영수증 발급일 YYYY-MM-DD (기본: 오늘)")
@click.option("--documents/--no-documents", default=True, show_default=True, help="원천징수영수증과 신고서 출력물을 씀")
@click.option("--db", help=DB_HELP)
@click.option("--by", help="정산하는 사람 (감사 기록; 기본: 로그인 이름)")
@click.option("--json", "as_json", is_flag=True, help="JSON 객체 하나를 출력: 요약, 예외, 근로자별 결과와 근거")
def settle_command(year, ytd_file, out_dir, date_text, documents, db, by, as_json):
    """연말정산: 12월 31일 재직자 전원 — 결과·근거·예외 목록·요약, 2월 급여에 반영할 기록."""
    from payroll.cli import parse_date
    from payroll.yearend.annual import compute_year_end, record_batch
    from payroll.yearend.outputs import write_year_end

    y = _year(year)
    issued = parse_date(date_text, "--date") or dt.date.today()  # clock ok: the receipts' 발급일; --date sets it
    store = _store(db)
    from payroll.documents.office import load_office

    with store.session() as s:
        ye = compute_year_end(s, y, opening_ytd=Path(ytd_file) if ytd_file else None)
        office = load_office(session=s) if documents and ye.frame.height else None
    batch_id = record_batch(store, ye, _actor(by))
    folder, files = write_year_end(ye, batch_id, Path(out_dir), issued, documents=documents, office=office)
    if as_json:
        click.echo(dumps({"batch_id": batch_id, "out_dir": str(folder), "files": len(files), "summary": ye.summary, "exceptions": ye.exceptions,
                          "workers": [{"row": r, "trace": ye.traces[r["worker_id"]], "spread": ye.spread.get(r["worker_id"], False)}
                                      for r in ye.frame.to_dicts()]}))
        return
    m = ye.summary
    click.echo(f"연말정산 {y}년 귀속 — 정산 묶음 {batch_id}")
    click.echo(f"  12월 31일 재직       {m['employed_on_dec_31']:>10,}명 (일용 {m['daily_not_settled']:,}명 제외, 급여 누락으로 미정산 {m['not_settled']:,}명)")
    click.echo(f"  정산                 {m.get('settled', 0):>10,}명 (신고서 제출 {m.get('with_declaration', 0):,}명)")
    click.echo(f"  총급여               {won(m.get('total_pay', 0)):>14}원")
    click.echo(f"  결정세액             {won(m.get('determined_tax', 0)):>14}원 (지방소득세 {won(m.get('determined_local_tax', 0))}원)")
    click.echo(f"  기납부세액           {won(m.get('income_tax_paid', 0)):>14}원")
    click.echo(f"  추가 징수            {won(m.get('additional_income_tax', 0)):>14}원 ({m.get('additional_count', 0):,}명, 분납 {m['spread']:,}명)")
    click.echo(f"  환급                 {won(m.get('refund_income_tax', 0)):>14}원 ({m.get('refund_count', 0):,}명)")
    click.echo(f"  차감징수 합계        {won(m.get('net_income_tax', 0)):>14}원 (지방소득세 {won(m.get('net_local_income_tax', 0))}원)")
    click.echo(f"  파일                 {folder} ({len(files)}개)")
    if m["months_without_run"]:
        click.echo(f"경고: 저장된 실행이 없는 달: {', '.join(m['months_without_run'])}", err=True)
    errors = [e for e in ye.exceptions if e["severity"] == "오류"]
    if ye.exceptions:
        click.echo(f"예외 {len(ye.exceptions):,}건 (오류 {len(errors):,}건) — {folder / 'exceptions.xlsx'}")
        for code, n in sorted(m["exceptions"].items()):
            click.echo(f"  {code:<28} {n:>6,}")
    click.echo(f"2월 급여 (payroll run {y + 1}-02)가 이 정산 묶음의 연말정산 소득세·지방소득세를 반영합니다 (분납분은 3·4월).")


@yearend_group.command("template")
@click.argument("year")
@click.option("--out", "out_file", required=True, type=click.Path(dir_okay=False), help="쓸 XLSX 파일")
@click.option("--date", "date_text", help="파일의 작성일 YYYY-MM-DD (기본: 오늘)")
@click.option("--db", help=DB_HELP)
def template_command(year, out_file, date_text, db):
    """소득·세액공제신고서 입력 서식 (XLSX): 12월 31일 재직자 명단이 본인 시트에 들어감."""
    from payroll.cli import parse_date
    from payroll.yearend.stored import employed_on
    from payroll.yearend.template import template_bytes

    y = _year(year)
    issued = parse_date(date_text, "--date") or dt.date.today()  # clock ok: the file's date; --date sets it
    workers: list[tuple[str, str]] = []
    with _store(db).session() as s:
        try:
            roster, employed = employed_on(s, dt.date(y, 12, 31))
            workers = [(w, roster.workers[w].name) for w in employed if (roster.workers[w].income_type or "regular") != "daily"]
        except InputError:
            click.echo(f"참고: {y}-12 실행이 아직 없습니다 — 서식의 본인 시트가 비어 있습니다 (사번을 채우세요)", err=True)
    path = Path(out_file)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(template_bytes(y, workers, issued))
    click.echo(f"썼습니다: {path} (근로자 {len(workers):,}명)")


@yearend_group.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--year", "year", required=True, help="귀속연도")
@click.option("--db", help=DB_HELP)
@click.option("--by", help="기록하는 사람 (기본: 로그인 이름)")
def import_command(file, year, db, by):
    """신고서 XLSX를 검증해 기록 (근로자마다 새 판; 오류가 하나라도 있으면 아무것도 기록하지 않음)."""
    from payroll.store.db import now
    from payroll.yearend import records
    from payroll.yearend.template import read_file

    y = _year(year)
    claims, submitted, data = read_file(Path(file), y)
    sha = hashlib.sha256(data).hexdigest()
    store = _store(db)
    actor = _actor(by)
    with store.session() as s:
        saved = []
        for c in claims:
            saved += records.save_declarations(s, [c], submitted_on=submitted[c.worker_id], source="xlsx", source_name=Path(file).name,
                                               source_sha256=sha, actor=actor, now=now())
        store.audit(actor, "yearend.declarations", Path(file).name, {"year": y, "workers": len(saved), "sha256": sha}, session=s)
        versions = [(d.worker_id, d.version) for d in saved]
    click.echo(f"{file}에서 {y}년 신고서 {len(versions):,}건을 기록했습니다")
    for wid, v in versions:
        click.echo(f"  {wid}  판 {v}")


@yearend_group.command("spread")
@click.argument("year")
@click.argument("worker_id")
@click.option("--spread/--lump", default=True, help="분납 (2·3·4월) 또는 2월 일시 징수")
@click.option("--db", help=DB_HELP)
@click.option("--by", help="기록하는 사람 (기본: 로그인 이름)")
def spread_command(year, worker_id, spread, db, by):
    """추가 납부세액 10만원 초과분의 분납 신청 기록 (소득세법 §137④); 다음 `payroll yearend`부터 반영."""
    from payroll.store.db import now
    from payroll.yearend import records

    y = _year(year)
    store = _store(db)
    actor = _actor(by)
    with store.session() as s:
        records.set_installment(s, worker_id, y, spread, actor, now())
        store.audit(actor, "yearend.installment", worker_id, {"year": y, "spread": spread}, session=s)
    click.echo(f"{worker_id} {y}: {'분납 (2·3·4월)' if spread else '2월 일시 징수'} — `payroll yearend {y}`를 다시 실행하면 반영됩니다")


@yearend_group.command("show")
@click.argument("year")
@click.argument("worker_id")
@click.option("--db", help=DB_HELP)
@click.option("--json", "as_json", is_flag=True, help="JSON 출력")
def show_command(year, worker_id, db, as_json):
    """최근 정산 묶음의 한 근로자 결과와 계산 근거."""
    from payroll.yearend import records

    y = _year(year)
    with _store(db).session() as s:
        batch, result = records.worker_result(s, y, worker_id)
        payload = records.result_payload(result)
    if as_json:
        click.echo(json.dumps({"batch_id": batch.batch_id, **payload, "spread": result.spread}, ensure_ascii=False, indent=1, sort_keys=True))
        return
    row = payload["row"]
    click.echo(f"{worker_id} {y}년 연말정산 (정산 묶음 {batch.batch_id}) — 적용 경로: {row['path']}")
    for t in payload["trace"]:
        value = won(t["value"]) if isinstance(t["value"], int) else str(t["value"])
        click.echo(f"  {t['note']:<48} {value:>14}")
        click.echo(f"  {'':<48} ↳ {t['reference']}")
    click.echo(f"차감징수세액: 소득세 {won(result.income_tax)}원, 지방소득세 {won(result.local_income_tax)}원 (음수는 환급)"
               + (" — 분납 (2·3·4월)" if result.spread else ""))


@yearend_group.command("receipt")
@click.argument("year")
@click.argument("worker_id")
@click.option("--out", "out_dir", default=".", show_default=True, type=click.Path(file_okay=False), help="PDF, XLSX, JSON을 쓸 폴더")
@click.option("--date", "date_text", help="발급일 YYYY-MM-DD (기본: 오늘)")
@click.option("--db", help=DB_HELP)
def receipt_command(year, worker_id, out_dir, date_text, db):
    """한 근로자의 원천징수영수증 (PDF·XLSX·JSON), 최근 정산 묶음에서."""
    from payroll.cli import parse_date
    from payroll.yearend.outputs import stored_receipt

    y = _year(year)
    issued = parse_date(date_text, "--date") or dt.date.today()  # clock ok: the receipt's 발급일; --date sets it
    with _store(db).session() as s:
        pdf, xlsx, data = stored_receipt(s, y, worker_id, issued)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    stem = out / f"withholding-{worker_id}-{y}"
    stem.with_suffix(".pdf").write_bytes(pdf)
    stem.with_suffix(".xlsx").write_bytes(xlsx)
    stem.with_suffix(".json").write_text(json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    click.echo(f"썼습니다: {stem}.pdf, .xlsx, .json")


def register(cli: click.Group) -> None:
    from payroll.cli import guarded

    for command in yearend_group.commands.values():
        command.callback = guarded(command.callback)
    cli.add_command(yearend_group)
