"""``sim case``: validate, render, key, new, list, coverage, migrate, schema."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sim.cli import Subparsers, missing_subcommand


def register(subparsers: Subparsers) -> None:
    """Add the ``case`` command group."""
    parser = subparsers.add_parser("case",
                                   help="case files: validate, render, key, new, list, coverage, migrate, schema",
                                   description="Work with case files (YAML) and templates.")
    sub = parser.add_subparsers(dest="case_command", metavar="SUBCOMMAND")
    parser.set_defaults(handler=missing_subcommand(parser, sub))

    p = sub.add_parser("validate", help="check case files or folders; exit 1 if any problem")
    p.add_argument("paths", nargs="+", metavar="PATH", help="case files or folders of them")
    p.set_defaults(handler=_validate)

    p = sub.add_parser("try", help="validate, render, reference plan and a short scripted interview, in one go",
                       description="Try a case as a class would meet it: validate it (stop there if it has "
                                   "problems), show the student's view, the reference plan and its grade, and "
                                   "run a short scripted interview with the actions the key expects.")
    p.add_argument("path", metavar="FILE", help="case file or library id")
    p.add_argument("--seed", type=int, default=None, help="for a template: the seed to draw it with")
    p.add_argument("--budget", type=int, default=None, metavar="MINUTES", help="interview time budget (default 45)")
    p.set_defaults(handler=_try)

    p = sub.add_parser("render", help="the student's view of a case")
    p.add_argument("path", metavar="PATH", help="case file or library id")
    p.add_argument("--seed", type=int, default=None, help="for a template: the seed to draw it with")
    p.add_argument("--format", choices=("md", "html"), default="md", help="Markdown (default) or HTML")
    p.set_defaults(handler=_render)

    p = sub.add_parser("key", help="the instructor's key of a case")
    p.add_argument("path", metavar="PATH", help="case file or library id")
    p.add_argument("--seed", type=int, default=None, help="for a template: the seed to draw it with")
    p.add_argument("--format", choices=("md", "html"), default="md", help="Markdown (default) or HTML")
    p.set_defaults(handler=_key)

    p = sub.add_parser("new", help="write a concrete case drawn from a template")
    p.add_argument("template", metavar="TEMPLATE", help="template file or library id")
    p.add_argument("--seed", type=int, required=True, help="the seed that draws every spec")
    p.add_argument("--out", required=True, metavar="FILE", help="the new case file (then set its id: to the name)")
    p.add_argument("--force", action="store_true", help="overwrite FILE if it exists")
    p.set_defaults(handler=_new)

    p = sub.add_parser("export", help="one case as a FHIR R4 transaction Bundle, for a teaching EHR",
                       description="Write the case as a FHIR R4 transaction Bundle (JSON): patient, encounter, "
                                   "referral, chart notes, medications, vital signs, diagnoses, insurance, family, "
                                   "screening answers with LOINC codes, and the social history the interview can "
                                   "reveal, tagged interview-disclosure. The answer key is not exported.")
    p.add_argument("path", metavar="ID", help="case file or library id")
    p.add_argument("--format", required=True, metavar="F", help="export format: fhir")
    p.add_argument("--seed", type=int, default=None, help="for a template: the seed to draw it with")
    p.add_argument("--out", default=None, metavar="FILE", help="write the bundle to FILE (default: print it)")
    p.add_argument("--force", action="store_true", help="overwrite FILE if it exists")
    p.set_defaults(handler=_export)

    p = sub.add_parser("list", help="the case library")
    p.add_argument("--dir", default=None, help="case folder (default: the library)")
    p.set_defaults(handler=_list)

    p = sub.add_parser("coverage", help="which case exercises which intervention, function, competency")
    p.add_argument("--dir", default=None, help="case folder (default: the library)")
    p.add_argument("--json", action="store_true", help="JSON instead of a table")
    p.set_defaults(handler=_coverage)

    p = sub.add_parser("migrate", help="upgrade case files of an earlier format to the current one",
                       description="Upgrade case files written for an earlier case format (a file with no "
                                   "'format:' is format 1) to the current format, in place or into --out. "
                                   "Only the lines that change are touched: comments, order and quoting "
                                   "stay. Prints what changed and what needs the author's decision, then "
                                   "validates the result.")
    p.add_argument("paths", nargs="+", metavar="FILE", help="case files or folders of them")
    p.add_argument("--out", default=None, metavar="PATH",
                   help="write here instead of in place: a file (one FILE) or an existing folder")
    p.add_argument("--dry-run", action="store_true", help="report what would change; write nothing")
    p.set_defaults(handler=_migrate)

    p = sub.add_parser("schema", help="JSON Schema of the case format, printed (or written with --out)")
    p.add_argument("--out", default=None, metavar="FILE", help="write the schema to FILE instead of printing it "
                   "(the library's copy: --out simcases/case.schema.json)")
    p.set_defaults(handler=_schema)


def _validate(args: argparse.Namespace) -> int:
    from sim.cases.library import expand_paths, validate_paths

    problems = validate_paths(args.paths)
    for problem in problems:
        print(problem)
    files = len(expand_paths(args.paths))
    bad = len({p.file for p in problems})
    print(f"{files} file(s) checked, {bad} with problems" if problems else f"{files} file(s) checked, all valid",
          file=sys.stderr)
    return 1 if problems else 0


def _try(args: argparse.Namespace) -> int:
    from sim.cases.library import load_case, resolve_name, validate_file
    from sim.cases.render import render_student
    from sim.cli.interview import run_script
    from sim.feedback import review_plan
    from sim.interview import start
    from sim.interview.bank import style_table
    from sim.model.blocks import Block, Section, to_text
    from sim.practice.expert import reference_plan

    path = resolve_name(args.path)
    problems = validate_file(path)
    print(f"== 1. validate {path}")
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} problem(s): fix them, then try again (nothing else is run on an invalid case)")
        return 1
    print("valid: it loads, interviews, plans and grades")
    case = load_case(path, seed=args.seed)
    print("\n== 2. the student's view\n")
    sys.stdout.write(render_student(case, "md"))
    plan = reference_plan(case)
    feedback = review_plan(case, plan)
    print("\n== 3. the reference plan (instructor only)")
    print(f"interventions: {', '.join(sorted(plan.intervention_ids())) or 'none'}")
    print(f"actions: {', '.join(plan.actions) or 'none'}")
    print(f"referrals: {', '.join(r.resource for r in plan.referrals) or 'none'}")
    print(f"discharge: {plan.discharge or 'none'}")
    print(f"graded against the key: {feedback.score:.0f}/100"
          + (f" (capped: {feedback.cap_reason})" if feedback.capped else ""))
    iv = start(case, seed=0, budget_minutes=args.budget)
    actions = style_table().actions
    kinds = {a.kind for a in case.key.critical_actions}
    script = [a for a in ("use_interpreter", "private_setting") if actions[a].kind in kinds]
    script += ["general.open.1", "general.empathic.1"]
    for fact in case.hidden_facts:
        question = next(iter(iv.questions(domain=fact.domain, style="open")), None)
        if question is not None and question.id not in script:
            script.append(question.id)
    script += [a for a, spec in actions.items() if spec.kind in kinds and a not in script]
    print(f"\n== 4. a short scripted interview ({', '.join(script)})\n")
    unreached = run_script(iv, script, sys.stdout)
    iv.end()
    heard = {d.id for d in iv.disclosed}
    print(f"\nhidden facts heard: {len(heard)} of {len(case.hidden_facts)}"
          + (f" (not heard: {', '.join(f.id for f in case.hidden_facts if f.id not in heard)})"
             if len(heard) < len(case.hidden_facts) else ""))
    crisis = [item.line() for item in iv.crisis_status()]
    if crisis:
        sys.stdout.write(to_text(Block(sections=[Section(title="Crisis actions", lines=crisis)])))
    if unreached:
        print(f"{len(unreached)} expected action(s) not reached in time: give a longer --budget or fewer questions")
    return 0


def _render(args: argparse.Namespace) -> int:
    from sim.cases.library import load_case
    from sim.cases.render import render_student

    sys.stdout.write(render_student(load_case(args.path, seed=args.seed), args.format))
    return 0


def _key(args: argparse.Namespace) -> int:
    from sim.cases.library import load_case
    from sim.cases.render import render_key

    sys.stdout.write(render_key(load_case(args.path, seed=args.seed), args.format))
    return 0


def _export(args: argparse.Namespace) -> int:
    import json

    from sim.cli import UsageError

    if args.format.lower() != "fhir":
        raise UsageError(f"--format {args.format!r} is not known for a case export; allowed: fhir")
    out = Path(args.out) if args.out else None
    if out is not None:
        if out.is_dir():
            raise UsageError(f"--out {args.out!r} is a folder; give a file name, e.g. --out case.json")
        if out.exists() and not args.force:
            raise UsageError(f"--out {args.out!r} exists; choose a new file name or add --force to replace it")
        if not (out.parent if str(out.parent) else Path(".")).is_dir():
            raise UsageError(f"--out {args.out!r}: folder {str(out.parent)!r} does not exist; "
                             "choose an existing folder")
    from sim.cases.library import load_case
    from sim.export.atomic import atomic_file
    from sim.export.fhir_case import case_bundle

    case = load_case(args.path, seed=args.seed)
    text = json.dumps(case_bundle(case), indent=2, ensure_ascii=False) + "\n"
    if out is None:
        sys.stdout.write(text)
        return 0
    with atomic_file(out) as tmp:
        tmp.write_text(text, encoding="utf-8")
    print(f"sim: wrote case {case.id} as a FHIR R4 transaction Bundle to {out}", file=sys.stderr)
    return 0


def _new(args: argparse.Namespace) -> int:
    from sim.cases.instantiate import new_from_template
    from sim.errors import SimValueError
    from sim.seeds import check_seed

    check_seed(args.seed, "--seed")
    out = Path(args.out)
    if out.exists() and not args.force:
        raise SimValueError(f"{out} exists; choose another --out or add --force")
    new_from_template(args.template, args.seed, out)
    print(f"wrote {out}", file=sys.stderr)
    return 0


def _list(args: argparse.Namespace) -> int:
    from sim.cases.library import library

    infos = library(args.dir)
    rows = [("id", "setting", "competencies", "summary")]
    for info in infos:
        if info.valid:
            rows.append((info.id, info.setting or "-", ",".join(map(str, info.competencies)),
                         " ".join(info.summary.split())))
        else:
            rows.append(
                (info.id, "INVALID", "-", f"{len(info.problems)} problem(s): run sim case validate {info.path}")
            )
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    for r in rows:
        print(f"{r[0]:<{widths[0]}}  {r[1]:<{widths[1]}}  {r[2]:<{widths[2]}}  {r[3]}")
    return 0


def _coverage(args: argparse.Namespace) -> int:
    import json

    from sim.cases.coverage import coverage, coverage_table

    table = coverage(args.dir)
    sys.stdout.write(json.dumps(table, indent=2) + "\n" if args.json else coverage_table(table))
    return 0


def _migrate(args: argparse.Namespace) -> int:
    from sim.cases.formats import migrate_file
    from sim.cases.library import expand_paths, validate_file, validate_text
    from sim.errors import SimError, SimValueError

    files = expand_paths(args.paths)
    out = Path(args.out) if args.out else None
    if out is not None and len(files) > 1 and not out.is_dir():
        raise SimValueError(f"--out {out} must be an existing folder when more than one file is migrated")
    failed = 0
    for path, missing in files:
        if missing:
            print(*missing, sep="\n")
            failed += 1
            continue
        target = (out / path.name if out.is_dir() else out) if out is not None else path
        try:
            migration = migrate_file(path, target, write=not args.dry_run)
        except SimError as exc:
            print(f"{path}: not migrated: {exc}")
            failed += 1
            continue
        verb = "would be upgraded" if args.dry_run else f"upgraded{'' if target == path else f' into {target}'}"
        print(f"{path}: format {migration.old_format} {verb} to {migration.new_format}" if migration.changed
              else f"{path}: already format {migration.new_format}")
        for note in migration.notes:
            print(f"  {note}")
        problems = validate_text(migration.text, str(path)) if args.dry_run else validate_file(target)
        for problem in problems:
            print(f"  {problem}")
        failed += bool(problems)
        print(f"  {len(problems)} problem(s) after the upgrade" if problems else "  valid")
    print(f"{len(files)} file(s), {failed} not migrated or not valid", file=sys.stderr)
    return 1 if failed else 0


def _schema(args: argparse.Namespace) -> int:
    from sim.cases.schema import schema_text, write_schema

    if args.out:
        write_schema(args.out)
        print(f"wrote {args.out}", file=sys.stderr)
    else:
        sys.stdout.write(schema_text())
    return 0
