"""The knowledge bank: questions and scenarios in YAML, validated by pydantic models."""

from interviewer.bank.loader import Bank, BankError, BankIssue, load_bank
from interviewer.bank.models import Question, Scenario, Stage

__all__ = ["Bank", "BankError", "BankIssue", "Question", "Scenario", "Stage", "load_bank"]
