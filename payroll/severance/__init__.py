"""퇴직금 (근로자퇴직급여 보장법) and 퇴직소득세 (소득세법 §48, §55②, §146)."""

from payroll.ordinary_wage import daily_ordinary_wage as ordinary_daily_wage  # (contract, job, law, day)
from payroll.severance.calc import Severance, compute_severance, continuous_service, service_years

__all__ = ["Severance", "compute_severance", "continuous_service", "ordinary_daily_wage", "service_years"]
