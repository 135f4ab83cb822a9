"""Social work practice: the intervention catalogue (:mod:`~sim.practice.interventions`), the
community resource directory (:mod:`~sim.practice.resources`), the patient's systems for ecomaps and
genograms (:mod:`~sim.practice.ecosystem`), what a student submits (:mod:`~sim.practice.plan`:
assessment and care plan), disposition and action labels (:mod:`~sim.practice.dispositions`),
SMART goal templates (:mod:`~sim.practice.goals`) and the reference plan an experienced social worker
would write (:mod:`~sim.practice.expert`, for instructors).

Import the module you need (``from sim.practice import interventions``); nothing is loaded here.
"""
