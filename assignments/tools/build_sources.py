"""Write the seven source notebooks of the sim-msw course (run: python assignments/tools/build_sources.py).

The notebooks are committed; edit this file and re-run it rather than editing the JSON by hand.
Grade ids of autograded answers must match sim/data/grading/answers.yaml and
sim.grading.scoring.SCORERS; competencies live in assignments/competencies.yaml.
"""
from __future__ import annotations

import sys
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).parent))
from nbbuild import answer, locked_md, manual, md, notebook, setup, test

SOURCE = Path(__file__).resolve().parents[1] / "source"
RECORD_NOTE = ("Put each answer in the variable the cell names; the last line records it with "
               "`record(...)`. Do not edit the `record` lines or the test cells.")


def header(grade_id: str, title: str, competencies: str, body: str) -> nbformat.NotebookNode:
    return locked_md(grade_id, f"""
    # {title}

    *CSWE 2022 EPAS competencies: {competencies}.* Everyone in this notebook is synthetic: no real
    person's data. Your case is your own variant: your neighbour's patient is different.

    {body}

    {RECORD_NOTE}
    """)


def a1() -> nbformat.NotebookNode:
    return notebook(
        [
            header(
                "a1_intro",
                "A1 Psychosocial assessment",
                "6 Engage, 7 Assess",
                "Score the screening your patient completed, identify their needs, and plan how you "
                "will open the conversation.",
            ),
            setup(
                "a1_setup",
                """
            from sim.grading import start, record, check
            case = start("a1")
            print(case["referral"])
            print("PHQ-9 items:", case["phq9"])
            print("GAD-7 items:", case["gad7"])
            case["ahc_hrsn"]
            """,
            ),
            md("""**1. PHQ-9 total** (items 0-3 each, total 0-27). Store it in `phq9_total`."""),
            answer("a1_phq9_total", 'phq9_total = sum(case["phq9"])', 'record("a1_phq9_total", phq9_total)'),
            test(
                "a1_phq9_total",
                1,
                "that a PHQ-9 total from 0 to 27 is recorded",
                'total = check("a1_phq9_total")',
                '# the total is the sum of this case\'s nine items\nassert total == sum(case["phq9"])',
            ),
            md("""**2. PHQ-9 severity band**: one of `"minimal"`, `"mild"`, `"moderate"`,
        `"moderately severe"`, `"severe"` (Kroenke, Spitzer, Williams 2001). Store it in `phq9_band`."""),
            answer(
                "a1_phq9_band",
                """
            t = sum(case["phq9"])
            phq9_band = ("minimal" if t <= 4 else "mild" if t <= 9 else "moderate" if t <= 14
                         else "moderately severe" if t <= 19 else "severe")
            """,
                'record("a1_phq9_band", phq9_band)',
            ),
            test(
                "a1_phq9_band",
                1,
                "that one of the five PHQ-9 bands is recorded",
                'band = check("a1_phq9_band")',
                """
             t = sum(case["phq9"])
             assert band == ("minimal" if t <= 4 else "mild" if t <= 9 else "moderate" if t <= 14
                             else "moderately severe" if t <= 19 else "severe")
             """,
            ),
            md("""**3. Item 9.** Does the answer to item 9 (thoughts of being better off dead or of
        self-harm) call for a same-day suicide risk assessment (C-SSRS)? `True` or `False`, in `item9_flag`."""),
            answer("a1_item9_flag", 'item9_flag = case["phq9"][8] > 0', 'record("a1_item9_flag", item9_flag)'),
            test(
                "a1_item9_flag",
                1,
                "that True or False is recorded for the item 9 flag",
                'flag = check("a1_item9_flag")',
                'assert flag == (case["phq9"][8] > 0)',
            ),
            md("""**4. GAD-7 band**: `"minimal"`, `"mild"`, `"moderate"` or `"severe"` (Spitzer et al. 2006),
        in `gad7_band`."""),
            answer(
                "a1_gad7_band",
                """
            g = sum(case["gad7"])
            gad7_band = "minimal" if g <= 4 else "mild" if g <= 9 else "moderate" if g <= 14 else "severe"
            """,
                'record("a1_gad7_band", gad7_band)',
            ),
            test(
                "a1_gad7_band",
                1,
                "that one of the four GAD-7 bands is recorded",
                'gband = check("a1_gad7_band")',
                """
             g = sum(case["gad7"])
             assert gband == ("minimal" if g <= 4 else "mild" if g <= 9 else "moderate" if g <= 14 else "severe")
             """,
            ),
            md("""**5. Needs identified.** From the AHC HRSN answers (housing, food, transportation,
        utilities, interpersonal safety with a total over 10) and the screens (PHQ-9 or GAD-7 of 10
        or more: `emotional_distress`; item 9 above 0: `crisis`), list the need domains, using the
        ids of `sim.model.taxonomy.need_domains()`. Store a list in `needs`."""),
            answer(
                "a1_needs_identified",
                """
            h = case["ahc_hrsn"]
            needs = []
            steady = h["living_situation"].startswith("I have a steady")
            if not steady or h["housing_problems"] != ["None of the above"]:
                needs.append("housing_instability")
            if "Often true" in (h["food_worried_would_run_out"], h["food_did_not_last"]) or \\
               "Sometimes true" in (h["food_worried_would_run_out"], h["food_did_not_last"]):
                needs.append("food_insecurity")
            if h["transportation_kept_from_care"] == "Yes":
                needs.append("transportation")
            if h["utilities_shut_off_threat"] != "No":
                needs.append("utilities")
            if sum(h["safety_hurt_insult_threaten_scream"]) > 10:
                needs.append("domestic_violence")
            if sum(case["phq9"]) >= 10 or sum(case["gad7"]) >= 10:
                needs.append("emotional_distress")
            if case["phq9"][8] > 0:
                needs.append("crisis")
            """,
                'record("a1_needs_identified", needs)',
            ),
            test(
                "a1_needs_identified",
                3,
                "that a list of known need-domain ids is recorded",
                'found = check("a1_needs_identified")',
                """
             assert ("transportation" in found) == (case["ahc_hrsn"]["transportation_kept_from_care"] == "Yes")
             assert ("crisis" in found) == (case["phq9"][8] > 0)
             """,
            ),
            md("""**6. Engagement (written, 2 points).** Write the first three sentences you would say
        to this patient: introduce your role, the purpose and limits of confidentiality, and an
        open question tied to the referral."""),
            manual(
                "a1_engagement",
                2,
                """
            Model answer: "Hello, I'm ___, the social worker on your team. The doctors asked me to
            see how things are going for you and what you need for going home. What we talk about
            stays with your care team, except if I'm worried about your safety or someone else's.
            What has been the hardest part of the last few weeks?"
            Mark scheme: role introduced (0.5); purpose linked to the referral (0.5); limits of
            confidentiality stated (0.5); open, non-leading question (0.5).
            """,
            ),
            md("""**7. Formulation (written, 3 points).** In five to eight sentences: the patient's main
        needs and risks, one strength, and how they connect (biopsychosocial)."""),
            manual(
                "a1_formulation",
                3,
                """
            Mark scheme: needs and risks match the screens, including any item 9 follow-up (1);
            at least one strength named and used (1); links between medical, psychological and
            social factors, in person-first language (1).
            """,
            ),
        ]
    )


def a2() -> nbformat.NotebookNode:
    return notebook(
        [
            header(
                "a2_intro",
                "A2 Intervention selection and crisis response",
                "1 Ethical and professional behavior, 8 Intervene",
                "Choose interventions (the twelve of `sim.model.taxonomy.intervention_ids()`) for the "
                "assessed needs, and respond to what the patient discloses.",
            ),
            setup(
                "a2_setup",
                """
            from sim.grading import start, record, check
            from sim.model.taxonomy import intervention_ids, taxonomy
            case = start("a2")
            print("Assessed needs:", case["needs"])
            print("The patient says:", repr(case["disclosure"]))
            intervention_ids()
            """,
            ),
            md("""**1. Interventions.** For each need of severity 2 or 3 choose the intervention that
        addresses it first; add the intervention the disclosure calls for. Avoid interventions not
        linked to any need. A list of ids in `interventions`."""),
            answer(
                "a2_interventions",
                """
            domains = taxonomy().domains
            chosen = {domains[n["domain"]].interventions[0] for n in case["needs"] if n["severity"] >= 2}
            text = case["disclosure"].lower()
            if "better off" in text:
                crisis, report = "suicide_risk_assessment_and_safety_plan", False
                chosen.add("counseling")
            elif "belt" in text:
                crisis, report = "mandated_report_child_protective_services", True
                chosen.add("child_welfare")
            elif "bank card" in text:
                crisis, report = "mandated_report_adult_protective_services", True
                chosen.add("advocacy_empowerment")
            elif "pushed" in text:
                crisis, report = "ipv_safety_plan", False
                chosen.add("domestic_violence_intervention")
            else:
                crisis, report = "none", False
            interventions = sorted(chosen)
            """,
                'record("a2_interventions", interventions)',
            ),
            test(
                "a2_interventions",
                3,
                "that a list of known intervention ids is recorded",
                'chosen = check("a2_interventions")',
                """
             assert 1 <= len(chosen) <= 6, "choose a focused set"
             assert len(set(chosen)) == len(chosen)
             """,
            ),
            md("""**2. Crisis action.** One of `"none"`, `"suicide_risk_assessment_and_safety_plan"`,
        `"ipv_safety_plan"`, `"mandated_report_child_protective_services"`,
        `"mandated_report_adult_protective_services"`, in `crisis`."""),
            answer(
                "a2_crisis_action",
                "pass  # computed with the interventions above",
                'record("a2_crisis_action", crisis)',
            ),
            test(
                "a2_crisis_action",
                2,
                "that one of the five crisis actions is recorded",
                'action = check("a2_crisis_action")',
                """
             calm = case["disclosure"].startswith("I'm managing")
             assert (action == "none") == calm
             """,
            ),
            md("""**3. Mandated report.** Does the law require you to report what was disclosed? `True`
        or `False` in `report` (see the course notes on mandated reporting in your state)."""),
            answer(
                "a2_mandated_report",
                "pass  # decided with the crisis action above",
                'record("a2_mandated_report", report)',
            ),
            test(
                "a2_mandated_report",
                1,
                "that True or False is recorded for the report decision",
                'decision = check("a2_mandated_report")',
                'assert decision == action.startswith("mandated_report")',
            ),
            md("""**4. Confidentiality (written, 2 points).** What do you tell the patient about what
        happens next with what they disclosed, and why? Name the ethical standard."""),
            manual(
                "a2_confidentiality",
                2,
                """
            Mark scheme: explains honestly what will be shared and with whom, before acting where
            safe (1); names NASW Code of Ethics 1.07 (privacy and confidentiality: disclosure
            without consent only to prevent serious, foreseeable and imminent harm, or when the law
            requires it) and the duty to report where it applies (1).
            """,
            ),
        ]
    )


def a3() -> nbformat.NotebookNode:
    return notebook([
        header("a3_intro", "A3 Care and discharge plan with outcome evaluation", "8 Intervene, 9 Evaluate",
               "Match each need to a community resource your patient is eligible for, then evaluate "
               "simulated outcomes."),
        setup("a3_setup", """
            from sim.grading import start, record, check
            case = start("a3")
            print("Patient:", case["patient"], "needs:", case["needs"])
            case["resources"]
            """),
        md("""**1. Referrals.** For each need, the eligible resource (serves the need, accepts the
        patient's insurance, patient at or above its minimum age, accepting referrals) with the
        shortest waitlist: a dict `{need: resource id}` in `referrals`."""),
        answer("a3_referrals", """
            p = case["patient"]
            referrals = {}
            for need in case["needs"]:
                ok = [r for r in case["resources"] if r["serves"] == need and p["insurance"] in r["accepts"]
                      and p["age"] >= r["min_age"] and r["accepting_referrals"]]
                referrals[need] = min(ok, key=lambda r: r["waitlist_days"])["id"]
            """, 'record("a3_referrals", referrals)'),
        test("a3_referrals", 3, "that a dict of referrals, one per need, is recorded",
             'refs = check("a3_referrals")',
             """
             ids = {r["id"]: r for r in case["resources"]}
             assert set(refs) == set(case["needs"])
             assert all(ids[v]["serves"] == k for k, v in refs.items())
             """),
        md("""**2. Goal attainment scaling.** At 30 days each goal was rated from -2 to +2 with a
        weight. Compute the GAS T-score (Kiresuk and Sherman 1968) with an inter-goal correlation
        of 0.3: T = 50 + 10 Σ wᵢxᵢ / √((1 - ρ) Σ wᵢ² + ρ (Σ wᵢ)²). Store it in `t_score`."""),
        answer("a3_gas_tscore", """
            import math
            w = [g["weight"] for g in case["goals"]]
            x = [g["attainment"] for g in case["goals"]]
            spread = math.sqrt(0.7 * sum(a * a for a in w) + 0.3 * sum(w) ** 2)
            t_score = 50 + 10 * sum(a * b for a, b in zip(w, x)) / spread
            """, 'record("a3_gas_tscore", round(t_score, 2))'),
        test("a3_gas_tscore", 2, "that a T-score from 0 to 100 is recorded",
             't = check("a3_gas_tscore")',
             'assert (t > 50) == (sum(g["weight"] * g["attainment"] for g in case["goals"]) > 0)'),
        md("""**3. Readmissions.** 200 simulated follow-ups of this plan: the share readmitted within
        30 days (a proportion from 0 to 1) in `rate`."""),
        answer("a3_readmission_rate", """
            sims = case["simulated_30day_readmitted"]
            rate = sum(sims) / len(sims)
            """, 'record("a3_readmission_rate", rate)'),
        test("a3_readmission_rate", 1, "that a proportion from 0 to 1 is recorded",
             'r = check("a3_readmission_rate")',
             'assert abs(r - sum(case["simulated_30day_readmitted"]) / 200) < 1e-3'),
        md("""**4. A SMART goal (written, 3 points)** for the need you judge most urgent."""),
        manual("a3_smart_goal", 3, """
            Mark scheme: specific and measurable (1); achievable and relevant to the patient's
            stated priorities (1); time-bound with a review date that fits the discharge (1).
            """),
        md("""**5. Evaluation (written, 2 points).** What do the T-score and the readmission rate
        tell you, and what would you change in the plan?"""),
        manual("a3_evaluation", 2, """
            Mark scheme: interprets T = 50 as expected attainment and the direction of the result
            (1); one plan change justified by the outcomes, not by guesswork (1).
            """),
    ])


def a4() -> nbformat.NotebookNode:
    return notebook([
        header("a4_intro", "A4 Documentation: a DAP note", "1 Ethical and professional behavior, 7 Assess",
               "Write a DAP (Data, Assessment, Plan) note of the encounter below, in objective, "
               "person-first language."),
        setup("a4_setup", """
            from sim.grading import start, record, check
            case = start("a4")
            case["encounter"]
            """),
        md("""**1. The note.** A dict with keys `"data"`, `"assessment"` and `"plan"`, in `note`.
        Data: what you observed and what the patient said (quote them, give the PHQ-9 total).
        Plan: the referral made and the follow-up interval in days."""),
        answer("a4_dap_note", """
            e = case["encounter"]
            note = {
                "data": (f"Met with patient for {e['minutes']} minutes at bedside. Patient stated "
                         f"\\"{e['patient_quote']}\\". PHQ-9 total {e['phq9_total']}. Observed: "
                         + ", ".join(e["observations"]) + "."),
                "assessment": ("Patient presents with depressive symptoms in the context of illness "
                               "and practical stressors; engaged and able to plan, supports limited."),
                "plan": (f"Referral made to {e['referral_made']}. Social work follow-up in "
                         f"{e['follow_up_days']} days to review mood, the referral and supports."),
            }
            """, 'record("a4_dap_note", note)'),
        test("a4_dap_structure", 1, "that the note has data, assessment and plan sections",
             'note_ = check("a4_dap_note")\nassert {"data", "assessment", "plan"} <= set(note_)',
             'assert all(len(str(note_[s]).split()) >= 10 for s in ("data", "assessment", "plan"))'),
        test("a4_dap_data_facts", 2, "that the data section is written",
             'assert str(check("a4_dap_note").get("data", "")).strip()',
             'assert str(case["encounter"]["phq9_total"]) in check("a4_dap_note")["data"]'),
        test("a4_objective_language", 1, "that the note is recorded (wording is reviewed by the grader)",
             'check("a4_dap_note")',
             'assert "noncompliant" not in " ".join(map(str, check("a4_dap_note").values())).lower()'),
        test("a4_plan_followup", 1, "that the plan section is written",
             'assert str(check("a4_dap_note").get("plan", "")).strip()',
             'assert str(case["encounter"]["follow_up_days"]) in check("a4_dap_note")["plan"]'),
        md("""**2. Quality of the note (graded from your note above, 3 points).** Nothing to write here:
        the grader reads your note for clarity, relevance and ethics."""),
        manual("a4_note_quality", 3, """
            Mark scheme: assessment follows from the data, not from opinion (1); only information
            needed for care is documented, consistent with confidentiality (1); clear, concise,
            professional (1).
            """),
    ])


def a5() -> nbformat.NotebookNode:
    return notebook([
        header("a5_intro", "A5 Caseload triage", "8 Intervene, 9 Evaluate",
               "Eight referrals wait on the morning list. Decide who you see first."),
        setup("a5_setup", """
            from sim.grading import start, record, check
            case = start("a5")
            case["referrals"]
            """),
        md("""**The unit's triage policy** (urgency points): C-SSRS high risk 100, IPV disclosed 60,
        C-SSRS moderate 50, discharge today 40, LACE 10 or more 20, lives alone and aged 75 or more
        10, C-SSRS low 10. More points first; ties: higher LACE first, then the lower id.

        **1.** The id you see first, in `first`. **2.** All eight ids in order, in `order`.
        **3.** The ids at high risk of 30-day readmission (LACE 10 or more, van Walraven et al.
        2010), in `high_lace`."""),
        answer("a5_priority_order", """
            W = {"high": 100, "moderate": 50, "low": 10, "none": 0}
            def points(r):
                return (W[r["cssrs_risk"]] + 60 * r["ipv_disclosed"] + 40 * r["discharge_today"]
                        + 20 * (r["lace"] >= 10) + 10 * (r["lives_alone"] and r["age"] >= 75))
            ranked = sorted(case["referrals"], key=lambda r: (-points(r), -r["lace"], r["id"]))
            order = [r["id"] for r in ranked]
            first = order[0]
            high_lace = [r["id"] for r in case["referrals"] if r["lace"] >= 10]
            """, 'record("a5_first_seen", first)\nrecord("a5_priority_order", order)\n'
                 'record("a5_high_lace", high_lace)'),
        test("a5_first_seen", 2, "that the id seen first is one of the referrals",
             'assert check("a5_first_seen") in [r["id"] for r in case["referrals"]]',
             """
             top = [r for r in case["referrals"] if r["cssrs_risk"] == "high"]
             assert not top or check("a5_first_seen") in [r["id"] for r in top]
             """),
        test("a5_priority_order", 3, "that the order lists each referral id once",
             'assert sorted(check("a5_priority_order")) == sorted(r["id"] for r in case["referrals"])',
             'assert check("a5_priority_order")[0] == check("a5_first_seen")'),
        test("a5_high_lace", 1, "that a list of referral ids is recorded for high LACE",
             'assert set(check("a5_high_lace")) <= {r["id"] for r in case["referrals"]}',
             'assert set(check("a5_high_lace")) == {r["id"] for r in case["referrals"] if r["lace"] >= 10}'),
        md("""**4. Justification (written, 2 points).** Why this first patient, and what happens to
        the last one on your list today?"""),
        manual("a5_justification", 2, """
            Mark scheme: the first choice justified by imminent risk (safety before discharge
            logistics) (1); a plan for the lowest-priority referrals (hand-off, call, time) so that
            no one is simply dropped (1).
            """),
    ])


def a6() -> nbformat.NotebookNode:
    return notebook([
        header("a6_intro", "A6 Population analysis with pandas",
               "3 Anti-racism, diversity, equity and inclusion; 4 Research-informed practice; 5 Policy practice",
               "Your unit's last 300 discharges (synthetic). Look for disparities."),
        setup("a6_setup", """
            import pandas as pd
            from sim.grading import start, record, check
            case = start("a6")
            df = pd.DataFrame(case["cohort"])
            df.head()
            """),
        md("""**1.** The share of patients who screened food insecure (0 to 1), in `food_rate`."""),
        answer("a6_food_insecurity_rate", 'food_rate = df["food_insecure"].mean()',
               'record("a6_food_insecurity_rate", float(food_rate))'),
        test("a6_food_insecurity_rate", 1, "that a proportion from 0 to 1 is recorded",
             'fr = check("a6_food_insecurity_rate")', 'assert abs(fr - df["food_insecure"].mean()) < 1e-3'),
        md("""**2.** 30-day readmission rates for patients who needed an interpreter (`rate_interp`)
        and who did not (`rate_no_interp`), and their ratio (`ratio` = first / second)."""),
        answer("a6_readmit_rate_interpreter", """
            by = df.groupby("interpreter_needed")["readmitted_30d"].mean()
            rate_interp, rate_no_interp = float(by[True]), float(by[False])
            ratio = rate_interp / rate_no_interp
            """, 'record("a6_readmit_rate_interpreter", rate_interp)\n'
                 'record("a6_readmit_rate_no_interpreter", rate_no_interp)\nrecord("a6_rate_ratio", ratio)'),
        test("a6_readmit_rate_interpreter", 1, "that a rate from 0 to 1 is recorded for interpreter users",
             'ri = check("a6_readmit_rate_interpreter")',
             'assert abs(ri - df[df.interpreter_needed].readmitted_30d.mean()) < 1e-3'),
        test("a6_readmit_rate_no_interpreter", 1, "that a rate from 0 to 1 is recorded for the others",
             'ro = check("a6_readmit_rate_no_interpreter")',
             'assert abs(ro - df[~df.interpreter_needed].readmitted_30d.mean()) < 1e-3'),
        test("a6_rate_ratio", 1, "that a positive rate ratio is recorded",
             'rr = check("a6_rate_ratio")', 'assert abs(rr - ri / ro) < 1e-2'),
        md("""**3. Policy memo (written, 3 points).** To the unit's quality committee: what the
        numbers show, what they cannot show, and one change in policy or practice."""),
        manual("a6_policy_memo", 3, """
            Mark scheme: states the disparity with its size and the denominator (1); names a limit
            (synthetic, observational, confounding, small groups) (1); proposes one systemic change
            (e.g. interpreter at discharge teaching, language-concordant follow-up calls) tied to
            the finding (1).
            """),
    ])


def a7() -> nbformat.NotebookNode:
    return notebook([
        header("a7_intro", "A7 Coverage, human rights and economic justice",
               "2 Advance human rights and social, racial, economic, and environmental justice; 5 Policy practice",
               "Health care is a human right (Universal Declaration of Human Rights, article 25; NASW "
               "Code of Ethics, social justice). Whether your patient can get coverage depends on "
               "income and on the state they live in: find out which, and what the state's choice "
               "means for the people it leaves out."),
        setup("a7_setup", """
            import pandas as pd
            from sim.grading import start, record, check
            case = start("a7")
            patient = case["patient"]
            print(patient)
            print("Poverty guideline:", case["poverty_guideline"])
            print("Medicaid expansion (True = expanded):", case["medicaid_expansion"][patient["state"]],
                  "-", case["expansion_source"])
            df = pd.DataFrame(case["cohort"])
            df.head()
            """),
        md("""**1. Income as a percent of the federal poverty guideline.** The guideline for a
        household is `first_person + each_additional * (household_size - 1)`. Store the percent
        (e.g. `87.4`) in `fpl_percent`."""),
        answer("a7_fpl_percent", """
            g = case["poverty_guideline"]
            line = g["first_person"] + g["each_additional"] * (patient["household_size"] - 1)
            fpl_percent = 100 * patient["annual_income"] / line
            """, 'record("a7_fpl_percent", float(fpl_percent))'),
        test("a7_fpl_percent", 1, "that a percent of the poverty guideline is recorded",
             'pct = check("a7_fpl_percent")\nassert pct > 0',
             'g = case["poverty_guideline"]\n'
             'line = g["first_person"] + g["each_additional"] * (patient["household_size"] - 1)\n'
             'assert abs(pct - 100 * patient["annual_income"] / line) < 0.5'),
        md("""**2. Where can your patient get coverage?** Your patient is a citizen adult without
        dependent children, not pregnant and not receiving disability benefits. In a state that
        has expanded Medicaid, adults are covered up to 138% FPL (42 U.S.C.
        1396a(a)(10)(A)(i)(VIII)). Premium tax credits for a Marketplace plan start at 100% FPL
        (26 U.S.C. 36B(c)(1)) and are not open to someone Medicaid covers. Below 100% FPL in a state
        that has not expanded, neither is open: the *coverage gap*. Store one of
        `"medicaid_expansion"`, `"marketplace_subsidy"`, `"coverage_gap"` in `route`."""),
        answer("a7_coverage_route", """
            expanded = case["medicaid_expansion"][patient["state"]]
            if expanded and fpl_percent <= 138:
                route = "medicaid_expansion"
            elif fpl_percent >= 100:
                route = "marketplace_subsidy"
            else:
                route = "coverage_gap"
            """, 'record("a7_coverage_route", route)'),
        test("a7_coverage_route", 2, "that one of the three coverage routes is recorded",
             'r = check("a7_coverage_route")\n'
             'assert r in {"medicaid_expansion", "marketplace_subsidy", "coverage_gap"}',
             'exp = case["medicaid_expansion"][patient["state"]]\n'
             'want = ("medicaid_expansion" if exp and pct <= 138 else "marketplace_subsidy" if pct >= 100 '
             'else "coverage_gap")\nassert r == want'),
        md("""**3. The state's choice, in numbers.** The cohort holds low-income adults across
        states. Compute the uninsured rate in states that have not expanded Medicaid divided by
        the rate in states that have (`ratio`)."""),
        answer("a7_uninsured_rate_ratio", """
            by = df.groupby("expansion_state")["uninsured"].mean()
            ratio = float(by[False] / by[True])
            """, 'record("a7_uninsured_rate_ratio", ratio)'),
        test("a7_uninsured_rate_ratio", 1, "that a positive rate ratio is recorded",
             'rr = check("a7_uninsured_rate_ratio")\nassert rr > 0',
             'want = df[~df.expansion_state].uninsured.mean() / df[df.expansion_state].uninsured.mean()\n'
             'assert abs(rr - want) < 1e-2'),
        md("""**4. Advocacy plan (written, 3 points).** Using a human rights and economic justice
        lens, what do you do for this patient today, for patients like them in your hospital, and
        in your state? Name who is most affected by the state's choice and why."""),
        manual("a7_advocacy_plan", 3, """
            Mark scheme: micro: a concrete route for this patient today that fits the answer to 2
            (Medicaid or Marketplace enrolment with help; in the coverage gap, the hospital's
            financial assistance policy (26 U.S.C. 501(r)), a community health centre's sliding fee,
            prescription assistance) (1); mezzo: one change in the hospital (screening for
            financial assistance at admission, presumptive eligibility, navigators) (1); macro:
            one policy action on the state's decision, framed as a right to health, naming who is
            most affected (adults below poverty in non-expansion states, disproportionately Black
            and Hispanic adults in the South: KFF, The Coverage Gap, 2025) (1).
            """),
    ])


NOTEBOOKS = {"a1_assessment": a1, "a2_intervention": a2, "a3_care_plan": a3,
             "a4_documentation": a4, "a5_triage": a5, "a6_population": a6, "a7_justice": a7}


def main() -> None:
    for name, build in NOTEBOOKS.items():
        folder = SOURCE / name
        folder.mkdir(parents=True, exist_ok=True)
        nb = build()
        nbformat.validate(nb)
        nbformat.write(nb, folder / f"{name}.ipynb")
        print(f"wrote {folder / (name + '.ipynb')}")


if __name__ == "__main__":
    main()
