"""``payroll filing MONTH|YEAR``: the filing pack, written to OUT/filing/PERIOD/ with a README.

Monthly (MONTH = YYYY-MM):
- ``원천징수이행상황신고서-MONTH.xlsx`` — the return's values as the 홈택스 screen lays them out (지급월 MONTH);
- ``근로내용확인신고-MONTH.xlsx`` — the 일용 workers of the work month in the 고용·산재 토탈서비스 전자신고
  layout (54 columns A…BB, sheet ``서식``), also the 일용근로소득 지급명세서 (columns AW–BB);
- ``4대보험-취득-MONTH.xlsx`` / ``4대보험-상실-MONTH.xlsx`` — the work month's hires and leavers;
- ``간이지급명세서-…`` — from pay of 2027 every month (and for 2026 pay the half-year, with the June and
  December packs): the records and their value sheet.

Yearly (YEAR = YYYY): the 근로소득 지급명세서 records of the year (file ``C…``), their value sheet and the
``payroll filing check`` report; ``건강보험-보수총액-YEAR.xlsx`` for the April 정산.

What each file is — submit as it is, or a pre-check — is the first line of its 안내 sheet and of the
README. A fixed-width record file cannot carry a note without breaking its layout: its status is in
the README and in the ``.txt`` beside it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

from sqlmodel import Session

from payroll.filings import sheets
from payroll.filings.config import FilingConfig
from payroll.security.rrn import is_foreign_number

NTS_ENCRYPTION = ("국세청 홈택스 '변환 제출'은 국세청 암호화 모듈(공개되지 않음)로 암호화한 파일만 받습니다: 이 파일은 그 전 단계까지입니다 — "
                  "인증된 프로그램(국세청 전자신고 변환 프로그램 등)에 넣어 검증·암호화하거나 값을 홈택스에 옮겨 적으세요.")


def rrn_source(session: Session, with_rrn: bool):
    """(full number of a worker or None, masked number of a worker or '') — the full number only when asked for
    and the key opens the stored one (payroll.store.personal); never printed."""
    from payroll.store import crypto
    from payroll.store.models import PersonalData

    key = crypto.load_key() if with_rrn else None

    def full(worker_id: str) -> str | None:
        if key is None:
            return None
        rec = session.get(PersonalData, worker_id)
        return crypto.decrypt(rec.rrn_cipher, key) if rec else None

    def masked(worker_id: str, fallback: str = "") -> str:
        rec = session.get(PersonalData, worker_id)
        return rec.masked if rec else fallback

    return full, masked


def _status_lines(cfg: FilingConfig, masked: int, extra: list[str] = ()) -> list[str]:
    out = []
    if cfg.placeholders():
        out.append("rules/employer/filing.toml·employer.toml에 아직 자리표시값: " + ", ".join(cfg.placeholders()) + " — 실제 값으로 바꾸기 전에는 제출 불가")
    if masked:
        out.append(f"주민등록번호 {masked:,}명 가림 (--with-rrn 과 암호키가 있어야 전체 번호를 씀) — 가린 번호로는 제출 불가")
    return out + list(extra)


def _daily_book(rows: list[dict], month: str, cfg: FilingConfig, full, masked, issued: dt.date) -> tuple[bytes, int, bool]:
    heads = ["보험구분", "성명", "주민(외국인)등록번호", "국적코드", "체류자격코드", "전화(지역번호)", "전화(국번)", "전화(뒷번호)", "직종코드",
             *[f"{d}일" for d in range(1, 32)], "근로일수", "일평균근로시간", "보수지급기초일수", "보수총액(과세소득)", "임금총액", "이직사유코드",
             "보험료부과구분(부호)", "보험료부과구분(사유)", "국세청일용근로소득신고여부", "지급월", "총지급액(과세소득)", "비과세소득", "소득세", "지방소득세"]
    assert len(heads) == 54
    data, n_masked, complete, foreigners, over_65 = [], 0, True, [], []
    for r in rows:
        wid = r["worker_id"]
        number = full(wid)
        n_masked += number is None
        shown = number or masked(wid, r.get("rrn_masked") or "").replace("-", "")
        foreign = is_foreign_number(shown)
        if foreign:  # 국적코드 and 체류자격코드 from the 공단's code sheet: the roster has neither
            foreigners.append(r.get("name") or wid)
        days = sorted(set(r.get("work_day_numbers") or []))
        if not days:
            complete = False
        insured = bool(r.get("ei_stability_applies")) if "ei_stability_applies" in r else bool(int(r.get("employment_insurance") or 0) or int(r.get("ei_base") or 0))
        kind = cfg.insurance_kind_default if insured else 1
        if insured and r.get("ei_unemployment_applies") is False:  # 고용보험법 §10②: 고용안정·직능 only, no 실업급여
            over_65.append(r.get("name") or wid)
        count = len(days) or int(r.get("work_days") or 0)
        minutes = int(r.get("worked_minutes") or 0)
        hours = (2 * minutes + 60 * count) // (120 * count) if count else 0  # 시간, 반올림
        pay_date = r["pay_date"]
        data.append([kind, r.get("name") or wid, shown or "(미기재)", "" if foreign else 100, "", "", "", "", cfg.occupation_code,
                     *[1 if d in days else None for d in range(1, 32)], count, hours, count, int(r.get("taxable_pay") or 0),
                     int(r.get("taxable_pay") or 0), cfg.leaving_reason_daily if kind in (3, 5) else "", "", "", "Y", pay_date.strftime("%Y%m"),
                     int(r.get("taxable_pay") or 0), int(r.get("non_taxable_pay") or 0), int(r.get("income_tax") or 0), int(r.get("local_income_tax") or 0)])
    ready = complete and not foreigners and not over_65 and not n_masked and not cfg.placeholders() and bool(cfg.workplace_number) and bool(cfg.occupation_code)
    status = sheets.SUBMIT if ready else sheets.PRECHECK
    wb = sheets.new_book(f"근로내용확인신고 {month} (일용근로자; 일용근로소득 지급명세서 겸용)", status, [
        "제출용: '서식' 시트가 고용·산재보험 토탈서비스 전자신고 서식과 같은 54열(A…BB, 1행 머리글, 2행부터 자료)입니다 — 업로드 전 이 '안내' 시트를 지우세요."
        if ready else "사전 점검용: 아래 항목을 채우거나 공식 서식(total.comwel.or.kr)에 옮겨 붙인 뒤 제출하세요.",
        *_status_lines(cfg, n_masked, ([] if cfg.occupation_code else ["직종코드 (filing.toml occupation_code) 비어 있음"])
                       + ([] if complete or not rows else ["근무일(1~31일 칸)을 모르는 근로자가 있음 (근무일 목록이 없는 예전 run) — 직접 표시"])
                       + ([] if cfg.workplace_number else ["사업장관리번호 (workplace_number) 비어 있음"])
                       + ([f"외국인 근로자 {', '.join(foreigners)}: 국적코드(D)·체류자격코드(E)를 공단 코드표에서 입력 (명부에 없음)"] if foreigners else [])
                       + ([f"65세 이후 고용 {', '.join(over_65)}: 고용안정·직업능력개발만 적용, 실업급여 없음 (고용보험법 §10②) — 보험료부과구분(AU·AV)에 "
                            "공단 코드표의 해당 부호를 입력 (코드표 미보유: filing-layouts.md §1.6)"] if over_65 else [])),
        f"근로월 {month}; 국세청 칸(AW~BB): 지급월 = 그 달 급여의 지급일이 속한 달. 한 파일 = 한 근로월 (섞지 말 것). 신고기한: 다음 달 15일.",
        "보험구분: 고용보험이 적용되지 않는 근로자는 1(산재만); 65세 이후 고용은 고용안정·직능이 적용되어 기본 구분에 보험료부과구분 부호로 실업급여를 뺌. "
        "근무일 칸은 숫자 1, 일평균근로시간 = 근로시간 ÷ 근로일수 (반올림).",
        "출처: /work/shared/reference/filing-layouts.md §1 (열 위치 high, 머리글 문구 medium).",
    ])
    sheets.table(wb, "서식", heads, data, money={43, 44, 50, 51, 52, 53})
    return sheets.book_bytes(wb, issued), n_masked, ready


DAILY_MOVEMENT_NOTE = ("일용근로자는 넣지 않음: 고용·산재는 근로내용확인신고로 신고하고 (취득·상실 겸용), 국민연금·건강보험은 한 달 이상 "
                       "월 8일 이상 (또는 60시간 이상) 일한 때에 따로 취득")


def _movement_books(hires, leavers, month: str, session: Session, cfg: FilingConfig, full, masked, issued: dt.date,
                    insured: dict[str, dict]) -> dict[str, bytes]:
    """The work month's 취득 and 상실 books: one row per worker an insurance covers, that insurance's columns
    filled and the others left empty (a 60세 이상 hire has no 국민연금, a 일용근로자 none of these)."""
    from payroll.yearend.stored import stored_year

    out = {}
    hires = [h for h in hires if not insured.get(h[0].worker_id, {}).get("daily")]
    leavers = [x for x in leavers if not insured.get(x[0].worker_id, {}).get("daily")]
    if hires:
        rows, n = [], 0
        for w, start, c in hires:
            number = full(w.worker_id)
            n += number is None
            cover = insured.get(w.worker_id, {"np": True, "hi": True, "ei": True})
            declared = w.insurance_base or c.wage if c.pay_type == "monthly" else w.insurance_base
            np_base, hi_base = cover.get("np_base") or declared or "", cover.get("hi_base") or declared or ""
            day = start.strftime("%Y%m%d")
            rows.append([number or masked(w.worker_id, w.rrn_masked).replace("-", ""), w.name, "N",
                         np_base if cover["np"] else "", day if cover["np"] else "", hi_base if cover["hi"] else "", day if cover["hi"] else "",
                         hi_base if cover["ei"] else "", day if cover["ei"] else "", hi_base, day, w.worker_id, c.contract_id,
                         (c.end.strftime("%Y%m") if c.end else ""), "Y" if c.end else "N"])
        wb = sheets.new_book(f"4대보험 자격취득 신고 {month} (입사자)", sheets.PRECHECK, [
            "사전 점검용: 사업장 EDI / 4대보험 토탈서비스의 취득신고 서식에 옮겨 적는 값입니다 (공식 서식의 열 전체는 확인하지 못함: filing-layouts.md §4.2).",
            *_status_lines(cfg, n),
            "소득월액·보수월액: 그 달 run이 쓴 기준소득월액·보수월액 (명부의 보수월액, 없으면 계약의 월 소정 과세 임금: 결정 D11); 고용·산재 월평균보수도 그 보수월액 "
            "— 비과세 제외 금액인지 확인. 자격취득부호·직종부호·주소정근로시간은 서식에서 선택.",
            "빈 칸의 보험은 취득하지 않음: 그 달 run의 적용 판정 (국민연금 18세 미만·60세 이상·월 60시간 미만, 건강보험 월 60시간 미만, 고용보험 적용 제외). "
            "월 중 입사자는 그 달 보험료가 없어도 취득일에 취득 (국민연금법 §17①, 국민건강보험법 §69②).",
            DAILY_MOVEMENT_NOTE,
        ])
        sheets.table(wb, "취득", ["주민등록번호", "성명", "대표자여부", "국민연금 소득월액", "국민연금 취득일", "건강 보수월액", "건강 취득일", "고용 월평균보수",
                                 "고용 취득일", "산재 월평균보수", "산재 취득일", "사번", "계약", "계약종료연월", "계약직여부"], rows, money={3, 5, 7, 9})
        out[f"4대보험-취득-{month}.xlsx"] = sheets.book_bytes(wb, issued)
    if leavers:
        year = int(month[:4])
        this = {r["worker_id"]: r for r in stored_year(session, year).workers.to_dicts()}
        last = {r["worker_id"]: r for r in stored_year(session, year - 1).workers.to_dicts()}
        rows, n = [], 0
        for w, end, c, resigned in leavers:
            number = full(w.worker_id)
            n += number is None
            lost = (end + dt.timedelta(days=1)).strftime("%Y%m%d")
            t, p = this.get(w.worker_id, {}), last.get(w.worker_id, {})
            months_t, months_p = len(t.get("months_paid") or []), len(p.get("months_paid") or [])
            pay_t, pay_p = int(t.get("taxable_pay") or 0), int(p.get("taxable_pay") or 0)
            reason = 11 if resigned else 32
            cover = insured.get(w.worker_id, {"np": True, "hi": True, "ei": True})
            np_cols = [lost, 3, ""] if cover["np"] else ["", "", ""]
            hi_cols = [lost, "", pay_t, months_t, pay_p, months_p] if cover["hi"] else ["", "", "", "", "", ""]
            ei_cols = [lost, reason, "계약기간 만료" if reason == 32 else "개인사정 자진퇴사", pay_t, pay_p] if cover["ei"] else ["", "", "", "", ""]
            rows.append([w.name, number or masked(w.worker_id, w.rrn_masked).replace("-", ""), "", "", "", *np_cols, *hi_cols, *ei_cols, lost, pay_t, pay_p])
        wb = sheets.new_book(f"4대보험 자격상실 신고 {month} (퇴사자)", sheets.PRECHECK, [
            "사전 점검용: 상실신고 서식(서식 시트, 1행 머리글, 2행부터)과 같은 열 순서 A…V — 상실부호(건강)와 사유는 확인한 뒤 제출하세요 (filing-layouts.md §4.3).",
            *_status_lines(cfg, n),
            "상실일 = 마지막 근무일 다음 날. 보수총액 = 그 해(전년) 저장된 run의 과세 근로소득, 근무개월수 = 급여가 있는 달 수. "
            "고용 상실사유: 32 계약기간 만료, 중도포기서로 끝난 계약은 11 개인사정 자진퇴사 (사유가 다르면 고쳐 적기). 국민연금 상실부호 3 = 사용관계 종료.",
            "빈 칸의 보험은 상실할 것이 없음: 마지막 달 run의 적용 판정 (예: 60세 이상은 국민연금 없음).",
            DAILY_MOVEMENT_NOTE,
        ])
        sheets.table(wb, "서식", ["성명", "주민(외국인)등록번호", "전화(지역번호)", "전화(국번)", "전화(뒷번호)", "국민연금상실일", "국민연금상실부호",
                                 "국민연금초일취득당월상실자납부여부", "건강보험상실일", "건강보험상실부호", "건강보험 당해년도 보수총액", "건강보험 당해년도 근무개월수",
                                 "건강보험 전년도 보수총액", "건강보험 전년도 근무개월수", "고용보험상실연월일", "고용보험상실사유구분코드", "고용보험구체적사유",
                                 "고용보험 해당연도 보수총액", "고용보험 전년도 보수총액", "산재보험상실연월일", "산재보험 해당연도 보수총액", "산재보험 전년도 보수총액"],
                     rows, money={10, 12, 17, 18, 20, 21})
        out[f"4대보험-상실-{month}.xlsx"] = sheets.book_bytes(wb, issued)
    return out


def _withholding_book(ret: dict, month: str, cfg: FilingConfig, issued: dt.date) -> bytes:
    wb = sheets.new_book(f"원천징수이행상황신고서 {month} 지급분 (근로소득·퇴직소득)", sheets.PRECHECK, [
        "사전 점검용: 홈택스 '원천징수이행상황신고서' 화면의 칸 순서대로 적은 값입니다 — 화면에 옮겨 적어 신고하세요 (이 파일을 올리는 기능은 없음).",
        *_status_lines(cfg, 0),
        "귀속·지급: " + ", ".join(f"{r['month']} 귀속 (지급일 {r['pay_date']}, run {r['run_id']})" for r in ret["runs"]) if ret["runs"] else "이 달에 지급한 run 없음",
        "조정환급: A10 ⑥이 음수이면 그 금액이 당월 발생 일반환급(⑮); ⑱ 조정대상환급세액은 이 달 납부할 세액(⑨)에 먼저 충당하고 남으면 다음 달로 이월(⑳). "
        "환급신청(㉑)은 0 (신청하려면 화면에서 적음). 지방소득세는 위택스 특별징수 신고 (참고 열).",
    ])
    rows = [[x["code"], x["label"], x["persons"], x["total_paid"], x["income_tax"], 0, 0, x["adjusted"] if x["payable"] is not None else None,
             x["payable"], 0 if x["payable"] is not None else None, x["local_income_tax"], x["local_payable"], x["note"]] for x in ret["lines"]]
    sheets.table(wb, "원천징수이행상황", ["코드", "소득구분", "④인원", "⑤총지급액", "⑥소득세 등", "⑦농어촌특별세", "⑧가산세", "⑨당월조정환급세액",
                                     "⑩소득세 등 (가산세 포함)", "⑪농어촌특별세", "지방소득세 (참고)", "지방소득세 납부 (참고)", "비고"], rows,
                 money={3, 4, 7, 8, 10, 11}, widths=[6, 18, 8, 16, 14, 10, 8, 14, 16, 10, 14, 14, 60])
    r, rl = ret["refund"], ret["refund_local"]
    labels = [("carried", "⑫ 전월미환급세액"), ("claimed_before", "⑬ 기환급신청세액"), ("balance", "⑭ 차감잔액 (⑫ − ⑬)"), ("general", "⑮ 일반환급"),
              ("trust", "⑯ 신탁재산"), ("other", "⑰ 그 밖의 환급세액"), ("adjustable", "⑱ 조정대상환급세액 (⑭ + ⑮ + ⑯ + ⑰)"),
              ("applied", "⑲ 당월조정환급세액계"), ("next", "⑳ 차월이월환급세액 (⑱ − ⑲ − ㉑)"), ("claim", "㉑ 환급신청액")]
    sheets.table(wb, "환급세액 조정", ["칸", "소득세", "지방소득세 (참고)"], [[label, r[k], rl[k]] for k, label in labels], money={1, 2}, widths=[40, 16, 16])
    return sheets.book_bytes(wb, issued)


def monthly_pack(session: Session, month: str, cfg: FilingConfig, issued: dt.date, *, with_rrn: bool = False) -> tuple[dict[str, bytes], list[str]]:
    from payroll.filings.monthly import daily_rows, insured_in_run, movements, withholding_return
    from payroll.filings.simplified import periods_due, simplified_file

    full, masked = rrn_source(session, with_rrn)
    files: dict[str, bytes] = {}
    readme = [f"신고 자료 {month} — payroll filing {month}", ""]
    ret = withholding_return(session, month)
    files[f"원천징수이행상황신고서-{month}.xlsx"] = _withholding_book(ret, month, cfg, issued)
    readme.append(f"[사전 점검용] 원천징수이행상황신고서-{month}.xlsx: 홈택스 화면에 옮겨 적는 값 (납부할 소득세 {ret['payable']:,}원, 차월이월환급세액 {ret['refund']['next']:,}원)")
    rows, _ = daily_rows(session, month)
    if rows:
        data, n_masked, ready = _daily_book(rows, month, cfg, full, masked, issued)
        files[f"근로내용확인신고-{month}.xlsx"] = data
        readme.append(f"[{sheets.SUBMIT if ready else sheets.PRECHECK}] 근로내용확인신고-{month}.xlsx: 일용근로자 {len(rows):,}명 (국세청 일용근로소득 지급명세서 겸용)")
    hires, leavers, run = movements(session, month)
    for name, data in _movement_books(hires, leavers, month, session, cfg, full, masked, issued, insured_in_run(session, run)).items():
        files[name] = data
        readme.append(f"[{sheets.PRECHECK}] {name}")
    for period in periods_due(month):
        sf = simplified_file(session, period, cfg, issued, full)
        stem = f"간이지급명세서-{period[0]}~{period[1]}"
        files[f"{stem}/{sf.name}"] = sf.data
        files[f"{stem}/값확인표.xlsx"] = _simplified_book(sf, cfg, issued)
        files[f"{stem}/{sf.name}.txt"] = _record_note(f"근로소득 간이지급명세서 {period[0]}~{period[1]}", "simplified_2021 (2021년 상반기 제출요령, 190 bytes)",
                                                      cfg, sf.masked, sf.notes, monthly=period[0] >= "2027-01")
        readme.append(f"[{sheets.PRECHECK}] {stem}/{sf.name}: 근로소득 간이지급명세서 레코드 {len(sf.rows):,}명 — {NTS_ENCRYPTION}")
    if not rows:
        readme.append(f"근로내용확인신고: {month}에 일용근로자 없음 (또는 그 달 run 없음)")
    return files, readme


def _record_note(title: str, layout: str, cfg: FilingConfig, masked: int, notes: list[str], monthly: bool = False) -> bytes:
    lines = [f"[{sheets.PRECHECK}] {title}", NTS_ENCRYPTION, f"레이아웃: {layout}. 레코드 = CP949 바이트 고정 길이, 레코드마다 CRLF.",
             *_status_lines(cfg, masked)]
    if monthly:
        lines.append("2027년 지급분부터 매월 제출 (소득세법 §164의3) — 월별 레이아웃을 찾지 못해 반기 레이아웃에 그 달의 근무기간을 적음 (B10 = 그 달이 속한 반기).")
    lines += [f"확인: {n}" for n in notes]
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def _simplified_book(sf, cfg: FilingConfig, issued: dt.date) -> bytes:
    wb = sheets.new_book(f"근로소득 간이지급명세서 {sf.period[0]}~{sf.period[1]} 값 확인표", sheets.PRECHECK, [NTS_ENCRYPTION, *_status_lines(cfg, sf.masked)])
    sheets.table(wb, "C레코드", ["사번", "일련번호", "주민등록번호", "성명", "근무기간 시작", "근무기간 종료", "총급여", "인정상여"],
                 [[r["worker_id"], r["C04"], r["C06"], r["C07"], r["C12"], r["C13"], r["C14"], r["C15"]] for r in sf.rows], money={6, 7})
    return sheets.book_bytes(wb, issued)


def yearly_pack(session: Session, year: int, cfg: FilingConfig, issued: dt.date, *, with_rrn: bool = False) -> tuple[dict[str, bytes], list[str]]:
    from payroll.filings.annual import LAYOUT_NOTE, annual_file
    from payroll.filings.check import batch_rows, check_annual
    from payroll.filings.fixed import load_layout

    full, _ = rrn_source(session, with_rrn)
    af = annual_file(session, year, cfg, issued, full)
    report = check_annual(af.data, af.name, batch_rows(session, year))
    layout = load_layout("annual_2023")
    files = {
        f"지급명세서/{af.name}": af.data,
        f"지급명세서/{af.name}.txt": _record_note(f"근로소득 지급명세서 {year}년 귀속 (batch {af.batch_id})", LAYOUT_NOTE, cfg, af.masked, af.notes),
        "지급명세서/점검결과.txt": _report_text(report).encode("utf-8"),
    }
    wb = sheets.new_book(f"근로소득 지급명세서 {year}년 귀속 값 확인표 (C 레코드)", sheets.PRECHECK, [NTS_ENCRYPTION, f"레이아웃: {LAYOUT_NOTE}",
                                                                                  *_status_lines(cfg, af.masked), *af.notes[:50]])
    c_fields = [f for f in layout.fields("C") if f.id in af.c_rows[0]] if af.c_rows else []
    sheets.table(wb, "C레코드", ["사번"] + [f"{f.id} {f.label}" for f in c_fields], [[r["worker_id"]] + [r.get(f.id) for f in c_fields] for r in af.c_rows],
                 widths=[10] + [16] * len(c_fields))
    files[f"지급명세서/값확인표-{year}.xlsx"] = sheets.book_bytes(wb, issued)
    files[f"건강보험-보수총액-{year}.xlsx"] = health_totals_book(session, year, cfg, issued)
    readme = [f"신고 자료 {year}년 — payroll filing {year}", "",
              f"[{sheets.PRECHECK}] 지급명세서/{af.name}: 근로소득 지급명세서 레코드 (A·B·C {len(af.c_rows):,}명·E) — {NTS_ENCRYPTION}",
              f"  레이아웃: {LAYOUT_NOTE}. 2025·2026년 귀속 제출요령은 찾지 못함: 그 뒤에 추가된 칸(예: 혼인세액공제)은 없음. D·F·G·H·I 레코드는 쓰지 않음.",
              f"  payroll filing check 결과: {'통과' if report.ok else '오류 ' + str(len(report.errors)) + '건'} (지급명세서/점검결과.txt)",
              f"[{sheets.PRECHECK}] 지급명세서/값확인표-{year}.xlsx: C 레코드의 값 (사번별)",
              f"[{sheets.PRECHECK}] 건강보험-보수총액-{year}.xlsx: 4월 보수총액 통보용 근로자별 보수총액·근무월수 (EDI에 옮겨 적기)"]
    return files, readme


def _report_text(report) -> str:
    lines = [f"payroll filing check {report.path}: {'통과' if report.ok else '오류'}", f"레코드 {report.records:,}개: " +
             ", ".join(f"{k} {v:,}" for k, v in sorted(report.counts.items()))]
    lines += [f"오류: {e}" for e in report.errors] + [f"경고: {w}" for w in report.warnings[:200]]
    return "\n".join(lines) + "\n"


def health_totals_book(session: Session, year: int, cfg: FilingConfig, issued: dt.date) -> bytes:
    """건강보험 보수총액 by worker: the 과세 근로소득 of the months with a 건강보험료, their count, the premiums paid."""
    import polars as pl

    from payroll.yearend.stored import stored_year

    months = stored_year(session, year).months
    rows = []
    if months.height:
        insured = months.filter(pl.col("health_insurance") > 0)
        per = insured.sort("paid_month").group_by("worker_id", maintain_order=True).agg(
            pl.col("name").last(), pl.col("department").last(), pl.col("taxable_pay").sum(), pl.len().alias("months"),
            pl.col("paid_month").min().alias("first"), pl.col("paid_month").max().alias("last"), pl.col("hi_base").last(),
            pl.col("health_insurance").sum(), pl.col("long_term_care").sum()).sort("worker_id")
        rows = [[r["worker_id"], r["name"], r["department"], r["taxable_pay"], r["months"], r["first"], r["last"], r["hi_base"],
                 r["health_insurance"], r["long_term_care"]] for r in per.to_dicts()]
    wb = sheets.new_book(f"건강보험 보수총액 {year}년 (다음 해 3월 10일까지 통보, 4월 정산)", sheets.PRECHECK, [
        "사전 점검용: 근로자별 보수총액과 근무월수 — 건강보험 EDI '보수총액 통보'에 옮겨 적거나 공단 서식과 대조하세요.",
        *_status_lines(cfg, 0),
        "보수총액 = 건강보험료가 부과된 달(저장된 run 기준)의 과세 근로소득 합계 (비과세 제외); 근무월수 = 그 달 수; 보수월액 = 마지막 달의 보수월액.",
    ])
    sheets.table(wb, "보수총액", ["사번", "성명", "부서", "보수총액", "근무월수", "첫 달", "마지막 달", "보수월액 (마지막 달)", "건강보험료 (근로자분)",
                               "장기요양보험료 (근로자분)"], rows, money={3, 7, 8, 9})
    return sheets.book_bytes(wb, issued)


def write_pack(out_root: Path, period: str, files: dict[str, bytes], readme: list[str]) -> tuple[Path, dict[str, str]]:
    target = Path(out_root) / "filing" / period
    sums = {}
    for name, data in sorted(files.items()):
        path = target / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        sums[name] = hashlib.sha256(data).hexdigest()
    text = "\r\n".join([*readme, "", "각 파일의 상태: [제출용] = 안내 조건을 갖추면 그대로 제출; [사전 점검용] = 값을 옮겨 적거나 인증 프로그램에 넣기 전 점검.",
                        NTS_ENCRYPTION, "", *[f"{h}  {n}" for n, h in sorted(sums.items())]]) + "\r\n"
    (target / "README.txt").write_text(text, encoding="utf-8")
    return target, sums
