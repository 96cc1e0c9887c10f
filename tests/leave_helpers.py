import datetime as dt

from payroll.roster import Contract, Roster, Worker


def worker(wid: str) -> Worker:
    return Worker(worker_id=wid, name=f"근로자{wid}", birth_date=dt.date(1980, 1, 1), department="총무과", employment="fixed_term")


def contract(cid, wid, start, end, *, wage=10_320, days="12345", hours=(9, 18), brk=60, pay="hourly", meal=0):
    return Contract(contract_id=cid, worker_id=wid, start=start, end=end, pay_type=pay, wage=wage, work_days=days,
                    start_time=dt.time(hours[0]), end_time=dt.time(hours[1]), break_minutes=brk, meal_allowance=meal)


def roster(*contracts: Contract) -> Roster:
    ids = sorted({c.worker_id for c in contracts})
    return Roster({w: worker(w) for w in ids}, tuple(contracts))
