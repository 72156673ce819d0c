"""The induction app's models: the partnership, MOU, people and matches
(`partnership.py`), and the work of the two years (`work.py`)."""

from aimline.web.induction.models.partnership import (
    CATEGORIES,
    GENDERS,
    LEVELS,
    RACES,
    Candidate,
    Coach,
    Commitment,
    CommitmentDone,
    Coordinator,
    Hiring,
    LogicModel,
    Match,
    Mou,
    Partnership,
    Question,
    Reflection,
    Reminded,
    Signature,
    Signer,
    Standard,
    Triad,
)
from aimline.web.induction.models.work import (
    Completion,
    Evidence,
    Learning,
    Plan,
    PlanGoal,
    PlanRevision,
    PortfolioScore,
    ProgressNote,
    Retention,
)

__all__ = ["CATEGORIES", "GENDERS", "LEVELS", "RACES", "Candidate", "Coach", "Commitment",
           "CommitmentDone",
           "Completion", "Coordinator", "Evidence", "Hiring", "Learning", "LogicModel", "Match",
           "Mou", "Partnership", "Plan", "PlanGoal", "PlanRevision", "PortfolioScore",
           "ProgressNote", "Question", "Reflection", "Reminded", "Retention", "Signature", "Signer",
           "Standard", "Triad"]
