"""The dosage grammar: every stated form, the forms that must not count, and the rules."""

from __future__ import annotations

import json
import re
from importlib.resources import files

import pytest
import spacy
from spacy.matcher import Matcher
from spacy.schemas import validate_token_pattern

from pipeline import dosage, resources
from pipeline.models import Dosage
from pipeline.tokenizer import build_tokenizer_nlp, customize


def summary(d: Dosage) -> tuple:
    """(field, min, max), (field, True), or ("frequency", min, max, period)."""
    if d.field == "per_side":
        return ("per_side", d.per_side)
    if d.field == "frequency":
        assert d.frequency is not None
        return ("frequency", d.frequency.times.min, d.frequency.times.max, d.frequency.period)
    assert d.value is not None
    return (d.field, d.value.min, d.value.max)


def run(text: str) -> list[Dosage]:
    return dosage.find(build_tokenizer_nlp()(text))


HOLD = [
    # A hold field without a unit is read as seconds; quote marks after a number are units.
    ("HOLD: 4", [("hold_seconds", 4, 4)]),
    ("Hold = 6-8", [("hold_seconds", 6, 8)]),
    ('Wall sit: hold 40" and rest.', [("hold_seconds", 40, 40)]),
    ("Dead hang 1' then drop down.", []),
    ("Plank: hold 2' then rest.", [("hold_seconds", 120, 120)]),
    ("He said 'hold 30' and left", []),
    # A timed set of a dynamic exercise.
    ("March on the spot and repeat for about 2 minutes.", [("hold_seconds", 120, 120)]),
    ("Keep going for a minute.", [("hold_seconds", 60, 60)]),
    ("Stay in this stance for 20 seconds, then step back.", [("hold_seconds", 20, 20)]),
    ("Hold for 30 seconds.", [("hold_seconds", 30, 30)]),
    ("Wall squat 3 x 40s", [("sets", 3, 3), ("hold_seconds", 40, 40)]),
    ("Then just hang out here for about 45 seconds.", [("hold_seconds", 45, 45)]),
    ("Sink down and hang out there for a minute or so.", [("hold_seconds", 60, 60)]),
    ("We hang out in the lobby for a minute before class.", []),
    ("Turn your head as far as you comfortably can for about 10 seconds.", [("hold_seconds", 10, 10)]),
    ("Reach as far as you can, and stay for 20 seconds.", [("hold_seconds", 20, 20)]),
    ("Run as far as you can for 12 minutes and note the distance.", []),
    ("Bird dogs: 3 sets x 8, both sides.", [("sets", 3, 3), ("reps", 8, 8), ("per_side", True)]),
    ("There are two sides of the story.", []),
    ("Hold it at the top for three seconds, then lower.", [("hold_seconds", 3, 3)]),
    ("Feel it in the calf. Fifteen to twenty seconds, four times.", [("hold_seconds", 15, 20), ("reps", 4, 4)]),
    ("Lean into the wall. Forty seconds.", [("hold_seconds", 40, 40)]),
    ("Twenty minutes later, the class ended.", []),
    ("Settle in this pose for 2 minutes.", [("hold_seconds", 120, 120)]),
    ("We'll take about three minutes here to breathe.", [("hold_seconds", 180, 180)]),
    ("Take 5 minutes to read the leaflet.", []),
    ("Lean in gently; 15 seconds is plenty.", [("hold_seconds", 15, 15)]),
    ("Ease the heel toward your bottom for 25 seconds.", [("hold_seconds", 25, 25)]),
    ("Pull the thigh toward you for 20 seconds.", [("hold_seconds", 20, 20)]),
    ("Hang out with friends for 2 hours.", []),
    ("Side bridge 2 x 15s/side", [("sets", 2, 2), ("hold_seconds", 15, 15), ("per_side", True)]),
    ("Step-ups 3x10/leg", [("sets", 3, 3), ("reps", 10, 10), ("per_side", True)]),
    ("Clams 2×12 ea", [("sets", 2, 2), ("reps", 12, 12), ("per_side", True)]),
    ("Lunges 2x8 (each)", [("sets", 2, 2), ("reps", 8, 8), ("per_side", True)]),
    ("Monster walk 2 x 12 steps L + R", [("sets", 2, 2), ("reps", 12, 12), ("per_side", True)]),
    ("The left and right lanes were 3 km long.", []),
    ("Hold your left heel against the wall for 20 seconds.", [("hold_seconds", 20, 20)]),
    ("Hold the top position or about 5 seconds.", [("hold_seconds", 5, 5)]),
    ("Hold or about 5 seconds.", [("hold_seconds", 5, 5)]),
    ("Hold for the 15 seconds, then lower.", [("hold_seconds", 15, 15)]),
    ("Hold it for the 12 seconds.", [("hold_seconds", 12, 12)]),
    ("Hold the plank, then rest for 30 seconds.", []),
    ("Hold the bridge and count down from 10 seconds.", []),
    ("Begin with about 8 of these and build up.", [("reps", 8, 8)]),
    ("Go through the whole flow about four times.", [("reps", 4, 4)]),
    ("Hold it about three to five seconds, then relax.", [("hold_seconds", 3, 5)]),
    ("Hold that stretch 30 seconds.", [("hold_seconds", 30, 30)]),
    ("It should be held for 20-30 secs.", [("hold_seconds", 20, 30)]),
    ("Hold 20–30s.", [("hold_seconds", 20, 30)]),
    ("Hold 20—30 sec.", [("hold_seconds", 20, 30)]),
    ("Hold the pose for twenty-five seconds.", [("hold_seconds", 25, 25)]),
    ("Hold the plank for 1-2 minutes.", [("hold_seconds", 60, 120)]),
    ("Hold for 5m.", [("hold_seconds", 300, 300)]),
    ("Hold for 90s.", [("hold_seconds", 90, 90)]),
    ("Hold for 2 mins.", [("hold_seconds", 120, 120)]),
    ("Hold for a minute.", [("hold_seconds", 60, 60)]),
    ("Hold it for a full minute.", [("hold_seconds", 60, 60)]),
    ("Hold for half a minute.", [("hold_seconds", 30, 30)]),
    ("Hold for a minute and a half.", [("hold_seconds", 90, 90)]),
    ("Hold for one and a half minutes.", [("hold_seconds", 90, 90)]),
    ("Hold for a minute or two.", [("hold_seconds", 60, 120)]),
    ("Hold for 30 seconds to a minute.", [("hold_seconds", 30, 60)]),
    ("Hold 45 seconds to 2 minutes.", [("hold_seconds", 45, 120)]),
    ("Hold between 20 and 30 seconds.", [("hold_seconds", 20, 30)]),
    ("Hold for 20 or 30 seconds.", [("hold_seconds", 20, 30)]),
    ("Hold for twenty to thirty seconds.", [("hold_seconds", 20, 30)]),
    ("Hold for 20 to 30 seconds.", [("hold_seconds", 20, 30)]),
    ("Hold for 1 minute.", [("hold_seconds", 60, 60)]),
    ("hold 1 min", [("hold_seconds", 60, 60)]),
    ("Hold for ninety seconds.", [("hold_seconds", 90, 90)]),
    ("Hold up to 10 seconds.", [("hold_seconds", 10, 10)]),
    ("Hold for at least 5 seconds.", [("hold_seconds", 5, 5)]),
    ("Hold for a minimum of sixty seconds.", [("hold_seconds", 60, 60)]),
    ("Hold it there for like 15 seconds, okay?", [("hold_seconds", 15, 15)]),
    ("Hold, 10 seconds.", [("hold_seconds", 10, 10)]),
    ("Hold: 30 seconds", [("hold_seconds", 30, 30)]),
    ("Stay here for a count of 5.", [("hold_seconds", 5, 5)]),
    ("Hold for a count of ten.", [("hold_seconds", 10, 10)]),
    ("Stay in this position for 30 seconds.", [("hold_seconds", 30, 30)]),
    ("Remain there for about a minute.", [("hold_seconds", 60, 60)]),
    ("Keep it there for 20 seconds.", [("hold_seconds", 20, 20)]),
    ("Do a 30-second hold at the top.", [("hold_seconds", 30, 30)]),
    ("Five 10-second holds.", [("hold_seconds", 10, 10)]),
    ("Hold 30 seconds each side.", [("hold_seconds", 30, 30), ("per_side", True)]),
    ("30 seconds on each leg", [("hold_seconds", 30, 30), ("per_side", True)]),
    ("2 x 30 seconds each side", [("sets", 2, 2), ("hold_seconds", 30, 30), ("per_side", True)]),
    ("Do 2 sets of 30 seconds.", [("hold_seconds", 30, 30), ("sets", 2, 2)]),
    ("Hold for 5 seconds, 10 times.", [("hold_seconds", 5, 5), ("reps", 10, 10)]),
    ("Hold 5 seconds and repeat 10 times.", [("hold_seconds", 5, 5), ("reps", 10, 10)]),
    ("Hold each stretch 8-10 seconds.", [("hold_seconds", 8, 10)]),
    ("Hold each one for 10 seconds.", [("hold_seconds", 10, 10)]),
    ("Hold 30 sec/side.", [("hold_seconds", 30, 30), ("per_side", True)]),
    ("Hold for 30 seconds a side.", [("hold_seconds", 30, 30), ("per_side", True)]),
    ("Stay in the pose for 30 seconds to 1 minute.", [("hold_seconds", 30, 60)]),
    ("Stay there for half a minute.", [("hold_seconds", 30, 30)]),
    ("Keep the stretch for a minute.", [("hold_seconds", 60, 60)]),
    ("Keep it there for 30 seconds to a minute.", [("hold_seconds", 30, 60)]),
    ("Hold for 30 seconds to a full minute.", [("hold_seconds", 30, 60)]),
    ("Hold between 30 seconds and a minute.", [("hold_seconds", 30, 60)]),
    ("Stay here for a minute or two.", [("hold_seconds", 60, 120)]),
    ("Hold for 30 seconds or 5 breaths.", [("hold_seconds", 30, 30)]),
    # a duration after a list item's name
    ("Down dog - 45s.", [("hold_seconds", 45, 45)]),
    ("**Down dog** - 45s. Pedal the feet.", [("hold_seconds", 45, 45)]),
    ("Savasana (corpse pose): 5-7 minutes.", [("hold_seconds", 300, 420)]),
    ("Hamstring stretch — 30 sec", [("hold_seconds", 30, 30)]),
    ("Warm up first.\n• Pigeon – 1 min", [("hold_seconds", 60, 60)]),
    ("1. Cat-cow: 30 sec", [("hold_seconds", 30, 30)]),
    ("Child's pose: 30 seconds to a minute", [("hold_seconds", 30, 60)]),
    ("Pigeon: a minute or two", [("hold_seconds", 60, 120)]),
    ("Pigeon: 1 min each side", [("hold_seconds", 60, 60), ("per_side", True)]),
    (
        "- Single leg balance: 30s x3 on each side, eyes open.",
        [("hold_seconds", 30, 30), ("reps", 3, 3), ("per_side", True)],
    ),
    ("30 sec on the left and 30 sec on the right", [("hold_seconds", 30, 30)]),
    ("Left 30s, right 30s.", [("hold_seconds", 30, 30)]),
    ("20 sec per side", [("hold_seconds", 20, 20), ("per_side", True)]),
    ("1 min each leg", [("hold_seconds", 60, 60), ("per_side", True)]),
    # resting in a pose
    ("Rest here for 1 minute.", [("hold_seconds", 60, 60)]),
    ("Rest in this position for 30 seconds.", [("hold_seconds", 30, 30)]),
    ("Relax here for 2 minutes.", [("hold_seconds", 120, 120)]),
    ("Breathe here for 30 seconds.", [("hold_seconds", 30, 30)]),
    ("Stay in child's pose for a minute.", [("hold_seconds", 60, 60)]),
    ("Rest here for 30 seconds to a minute.", [("hold_seconds", 30, 60)]),
    ("Lie in this position for 5 minutes.", [("hold_seconds", 300, 300)]),
    ("Relax there for a minute.", [("hold_seconds", 60, 60)]),
    ("Stay there for 20 seconds.", [("hold_seconds", 20, 20)]),
    # a place after the hold verb
    ("Hold at the top for 3 seconds.", [("hold_seconds", 3, 3)]),
    ("Hold at the bottom for 2 seconds.", [("hold_seconds", 2, 2)]),
    ("Hold in this position for 10 seconds.", [("hold_seconds", 10, 10)]),
    ("Hold at the top of the movement for 2 seconds.", [("hold_seconds", 2, 2)]),
    ("Hold at the top for a minute.", [("hold_seconds", 60, 60)]),
    ("Hold still for 5 seconds.", [("hold_seconds", 5, 5)]),
    ("Hold your body straight on your forearms for 20 seconds.", [("hold_seconds", 20, 20)]),
    ("Pull one knee to your chest for 20 seconds.", [("hold_seconds", 20, 20)]),
    ("Pull both knees to your chest together for 30 seconds.", [("hold_seconds", 30, 30), ("per_side", False)]),
    ("Hug your knees into your chest for 30 to 60 seconds.", [("hold_seconds", 30, 60)]),
    ("Stay here for a minute and a half.", [("hold_seconds", 90, 90)]),
    ("Hold for 10 seconds - 20 seconds rest.", [("hold_seconds", 10, 10)]),
    ("Plank: 30-60 seconds, 3 sets", [("hold_seconds", 30, 60), ("sets", 3, 3)]),
    ("Pigeon: 2 minutes before bed", [("hold_seconds", 120, 120)]),
    # no value
    ("Hold for 5 deep breaths.", []),
    ("Take five slow breaths here.", []),
    ("Hold for 5 m.", []),
    ("Hold it for a few seconds.", []),
    ("Hold for a couple of seconds.", []),
    ("Hold for a second.", []),
    ("Hold for 10.", []),
    ("Hold for 3 hours.", []),
    ("Hold for 2.5 seconds.", []),
    ("30s left, 45s right", [("per_side", True)]),
    ("Cook time: 20 minutes", []),
    ("Total time: 45 minutes", []),
    ("Stationary bike: 15 to 20 minutes, easy gear.", []),
    ("- Warm up: 15 minutes easy jogging, then strides.", []),
    ("Ice: 15 minutes after exercise.", []),
    ("# Core Circuit - 12 Minutes", []),
    ("Rest: 60 seconds", []),
    ("Rest between sets: 90 seconds", []),
    ("Day 1: 10 minutes", []),
    ("The verdict: 30 minutes of fun.", []),
    ("The answer is simple: 10 minutes", []),
    ("Rest here for 60 seconds between sets.", []),
    ("Relax in child's pose for 30 seconds between rounds.", []),
    ("Let the dough rest here for 20 minutes.", []),
    ("The kids rested here for 10 minutes at the café.", []),
    ("Press and hold the button for 5 seconds.", []),
    ("We were holding at the gate for 20 minutes.", []),
    ("Hold in the button for 5 seconds.", []),
    ("Monday: 30 minutes", []),
    ("Toast the bread - 3 minutes", []),
    ("and now - 30 seconds", []),
    ("What you get: 10 minutes", []),
]

REPS = [
    # A starting dose and the number it progresses to in the same sentence: one range.
    ("Start with 4 of these, progressing to 10 over the weeks.", [("reps", 4, 10)]),
    ("Hold 20 seconds, building up to 45 seconds.", [("hold_seconds", 20, 45)]),
    ("Do 6 on each leg (later increased to twelve times with each leg).", [("reps", 6, 12)] + [("per_side", True)] * 2),
    ("Do 10 reps, progressing to 3 sets.", [("reps", 10, 10), ("sets", 3, 3)]),
    ("Do 5 each side(later on 8)", [("reps", 5, 5), ("per_side", True)]),
    ("Rock between the two positions 8 times.", [("reps", 8, 8)]),
    ("Alternate between these 3 shapes 6 times without stopping.", [("reps", 6, 6)]),
    ("Repeat 12-15times in a row.", [("reps", 12, 15)]),
    ("Repeat 8 -12 times.", [("reps", 8, 12)]),
    ("Do 10 reps.", [("reps", 10, 10)]),
    ("Do 10-15 reps.", [("reps", 10, 15)]),
    ("Do 8–12 repetitions.", [("reps", 8, 12)]),
    ("Do 10reps.", [("reps", 10, 10)]),
    ("Do twelve reps.", [("reps", 12, 12)]),
    ("Do 10 of these.", [("reps", 10, 10)]),
    ("Ten of these.", [("reps", 10, 10)]),
    ("We're doing three of those.", [("reps", 3, 3)]),
    ("Repeat 5 times.", [("reps", 5, 5)]),
    ("Repeat the sequence 3-5 times.", [("reps", 3, 5)]),
    ("Do this 10 times.", [("reps", 10, 10)]),
    ("Perform each stretch 5 times.", [("reps", 5, 5)]),
    ("Each one should be repeated 10 times.", [("reps", 10, 10)]),
    ("Lift your leg 10 times.", [("reps", 10, 10)]),
    ("Squeeze your shoulder blades together 10 times.", [("reps", 10, 10)]),
    ("Knee rolls: 8 times", [("reps", 8, 8)]),
    ("Do 5 on each side.", [("reps", 5, 5), ("per_side", True)]),
    ("3 to each side", [("reps", 3, 3), ("per_side", True)]),
    ("10 per leg", [("reps", 10, 10), ("per_side", True)]),
    ("Do 10 on both sides.", [("reps", 10, 10), ("per_side", True)]),
    ("10/side", [("reps", 10, 10), ("per_side", True)]),
    ("10 a side", [("reps", 10, 10), ("per_side", True)]),
    ("Do 10 slow reps.", [("reps", 10, 10)]),
    ("Rotate 5 times each direction.", [("reps", 5, 5), ("per_side", True)]),
    ("10 reps per side", [("reps", 10, 10), ("per_side", True)]),
    ("Bridges x10", [("reps", 10, 10)]),
    ("Bridges x 8-12", [("reps", 8, 12)]),
    ("10x bridges", [("reps", 10, 10)]),
    ("Reps: 10", [("reps", 10, 10)]),
    ("Repetitions: 8-12", [("reps", 8, 12)]),
    ("Reps - 15", [("reps", 15, 15)]),
    ("Do twenty-five reps.", [("reps", 25, 25)]),
    ("Do one rep.", [("reps", 1, 1)]),
    ("Fifteen of those and then switch legs.", [("reps", 15, 15), ("per_side", True)]),
    ("Ten of these, then rest.", [("reps", 10, 10)]),
    ("Do 10 of these each side.", [("reps", 10, 10), ("per_side", True)]),
    ("Draw 10 big circles with the knee.", [("reps", 10, 10)]),
    ("Make 5 slow circles each way.", [("reps", 5, 5)]),
    ("Do 12 lifts.", [("reps", 12, 12)]),
    ("Do 5 back extensions.", [("reps", 5, 5)]),
    ("Ankle circles: 10 circles each way", [("reps", 10, 10)]),
    ("10 pulses", [("reps", 10, 10)]),
    ("8 kicks per leg", [("reps", 8, 8), ("per_side", True)]),
    ("Do 10 calf raises.", [("reps", 10, 10)]),
    ("10-15 pelvic tilts", [("reps", 10, 15)]),
    ("10 steps to the right, then 10 steps to the left.", [("reps", 10, 10)] * 2),
    ("Take 10 steps each way.", [("reps", 10, 10)]),
    ("Walk 8 small steps sideways.", [("reps", 8, 8)]),
    ("Repeat twice per side.", [("reps", 2, 2), ("per_side", True)]),
    ("Do it twice.", [("reps", 2, 2)]),
    ("Repeat twice.", [("reps", 2, 2)]),
    ("Do this once, then rest.", [("reps", 1, 1)]),
    ("Repeat once or twice.", [("reps", 1, 2)]),
    # no value
    ("Do a few reps.", []),
    ("Do a couple of these.", []),
    ("Do several reps.", []),
    ("One of these is enough.", []),
    ("I've done this stretch a hundred times.", []),
    ("He tried 3 times to call.", []),
    ("Take 5 deep breaths.", []),
    ("Makes 10 rolls.", []),
    ("We got 2 raises this year.", []),
    ("He scored from 2 free kicks.", []),
    ("Ten of these apples are bruised.", []),
    ("2 steps forward in the project.", []),
    ("Walk 10 steps forward.", []),
    ("Do this once you feel warm.", []),
    ("Do this once in the morning.", []),
    ("Make 12 rolls from the dough.", []),
    ("The baby gave 5 kicks.", []),
]

SETS = [
    ("Do 2 sets of 10.", [("sets", 2, 2), ("reps", 10, 10)]),
    ("Do 2 sets of 10 reps.", [("sets", 2, 2), ("reps", 10, 10)]),
    ("2-3 sets of 8-12 repetitions", [("sets", 2, 3), ("reps", 8, 12)]),
    ("Do one set of fifteen.", [("sets", 1, 1), ("reps", 15, 15)]),
    ("3 x 10", [("sets", 3, 3), ("reps", 10, 10)]),
    ("3x10", [("sets", 3, 3), ("reps", 10, 10)]),
    ("3×12 reps", [("sets", 3, 3), ("reps", 12, 12)]),
    ("2-3 x 10-15", [("sets", 2, 3), ("reps", 10, 15)]),
    ("3 sets x 10 reps", [("sets", 3, 3), ("reps", 10, 10)]),
    ("10 reps x 3 sets", [("sets", 3, 3), ("reps", 10, 10)]),
    ("Do 2-3 sets.", [("sets", 2, 3)]),
    ("Do two or three sets.", [("sets", 2, 3)]),
    ("Sets: 3", [("sets", 3, 3)]),
    ("Complete 3 rounds.", [("sets", 3, 3)]),
    ("3 rounds of 10", [("sets", 3, 3), ("reps", 10, 10)]),
    ("3 sets of 10 reps each side", [("sets", 3, 3), ("reps", 10, 10), ("per_side", True)]),
    ("Hold 30sec, repeat 3x10.", [("hold_seconds", 30, 30), ("sets", 3, 3), ("reps", 10, 10)]),
    # no value
    ("Do a set of reps.", []),
    ("She won in three sets.", []),
    ("We bought two sets of keys.", []),
]

SIDE = [
    ("Tilt to the left 4 times, then repeat the exercise turning to the right.", [("reps", 4, 4), ("per_side", True)]),
    ("Then repeat the stretch on the other side.", [("per_side", True)]),
    ("Repeat on each side.", [("per_side", True)]),
    ("Do it on each leg.", [("per_side", True)]),
    ("Stretch per side.", [("per_side", True)]),
    ("Do it on both sides.", [("per_side", True)]),
    ("Alternate legs.", [("per_side", True)]),
    ("Then alternate.", [("per_side", True)]),
    ("Switch sides.", [("per_side", True)]),
    ("Repeat with the other leg.", [("per_side", True)]),
    ("Repeat with the other knee.", [("per_side", True)]),
    ("Repeat with the other side.", [("per_side", True)]),
    ("Do the same on the opposite side.", [("per_side", True)]),
    ("Now the other side.", [("per_side", True)]),
    ("30s left, 30s right", [("hold_seconds", 30, 30), ("per_side", True)]),
    ("Work one leg at a time.", [("per_side", True)]),
    ("Repeat on the left.", [("per_side", True)]),
    ("Roll to the other side.", [("per_side", True)]),
    ("Don't alternate.", [("per_side", False)]),
    ("Do not switch sides.", [("per_side", False)]),
    ("Work without switching legs.", [("per_side", False)]),
    ("Bring both knees together to your chest.", [("per_side", False)]),
    ("Lift both legs at the same time.", [("per_side", False)]),
    ("Do both sides at once.", [("per_side", False)]),
    ("Alternate legs, don't rest.", [("per_side", True)]),
    ("Bring both knees up together and hug them - don't alternate.", [("per_side", False)] * 2),
    # no value
    ("Place your hands on each side of your head.", []),
    ("Put a pillow on the other side of the bed.", []),
    ("Hold a dumbbell in each hand.", []),
    ("Keep the other leg straight.", []),
    ("Bend both knees.", []),
    ("Do not switch sides until you finish all reps.", []),
    ("Stand with both feet together.", []),
    ("Keep both legs together and rotate them over to one side.", []),
    ("Drop both knees together to the left, then to the right.", [("per_side", True)]),
    ("Keep both feet on the floor at the same time.", []),
    ("Don't change anything.", []),
    ("Don't alternate your breathing.", []),
]

FREQUENCY = [
    ("2-3x/daily or as advised", [("frequency", 2, 3, "day")]),
    ("Do them 4x daily.", [("frequency", 4, 4, "day")]),
    ("Do this twice a day.", [("frequency", 2, 2, "day")]),
    ("Do them 3 times a week.", [("frequency", 3, 3, "week")]),
    ("Repeat this exercise 3 times a week.", [("frequency", 3, 3, "week")]),
    ("Do these stretches 2-3 times per week.", [("frequency", 2, 3, "week")]),
    ("Stretch daily.", [("frequency", 1, 1, "day")]),
    ("Do these daily, ideally in the morning.", [("frequency", 1, 1, "day")]),
    ("Once or twice daily.", [("frequency", 1, 2, "day")]),
    ("Frequency: 2x/day", [("frequency", 2, 2, "day")]),
    ("Frequency: daily", [("frequency", 1, 1, "day")]),
    ("Practise them every day.", [("frequency", 1, 1, "day")]),
    ("Do it on a daily basis.", [("frequency", 1, 1, "day")]),
    ("Do the routine 3 days a week.", [("frequency", 3, 3, "week")]),
    ("Train 3-4 days per week.", [("frequency", 3, 4, "week")]),
    ("Do the routine 3x weekly.", [("frequency", 3, 3, "week")]),
    ("Once a week is enough.", [("frequency", 1, 1, "week")]),
    ("Ten reps, daily.", [("reps", 10, 10), ("frequency", 1, 1, "day")]),
    ("Ten reps, every day.", [("reps", 10, 10), ("frequency", 1, 1, "day")]),
    ("Frequency: 3-4 days a week", [("frequency", 3, 4, "week")]),
    ("Stretches: 3/week", [("frequency", 3, 3, "week")]),
    ("Do it 2 times daily.", [("frequency", 2, 2, "day")]),
    ("Do 10 reps, 3 times a day.", [("reps", 10, 10), ("frequency", 3, 3, "day")]),
    ("Do it twice a day.", [("frequency", 2, 2, "day")]),
    ("Repeat twice daily.", [("frequency", 2, 2, "day")]),
    ("Twice a week.", [("frequency", 2, 2, "week")]),
    # no value
    ("This is part of my daily routine.", []),
    ("I work 5 days a week.", []),
    ("The bus comes 4 times an hour.", []),
]

NEGATIVE = [
    ("Lift for 4 seconds up, 4 seconds down.", []),
    ("Lower for 3 seconds.", []),
    ("Lower for a count of three.", []),
    ("Rest 60 seconds between sets.", []),
    ("Rest for a minute between sets.", []),
    ("Rest for a minute before the next set.", []),
    ("Rest 90 seconds between rounds.", []),
    ("Take a 30 second rest.", []),
    ("Take a 30 second break.", []),
    ("Three, two, one, go.", []),
    ("Great for people over 50.", []),
    ("He is 50 years old.", []),
    ("Reduce the load by 50%.", []),
    ("Step 2: hold for 10 seconds.", [("hold_seconds", 10, 10)]),
    ("I'll show you in a minute.", []),
    ("I second that.", []),
    ("Wait a second.", []),
    ("Simmer for 10 minutes.", []),
    ("He held the lead for 30 seconds.", []),
    ("I was on hold for 30 minutes.", []),
    ("The meeting was held for 30 minutes.", []),
    ("Hold your breath for 10 seconds.", []),
    ("Inhale for 4 seconds, hold for 7 seconds, exhale for 8 seconds.", []),
    ("Try this 10-minute stretch routine.", []),
    ("Spend 10 minutes a day stretching.", []),
    ("Press the button 3 times.", []),
    ("It is 3 times more likely.", []),
    ("The room is 10 x 12 feet.", []),
    ("Use a count of 2 up and 4 down.", []),
    ("Tempo: 3-1-3.", []),
    ("Take 3 seconds on the way down.", []),
    ("Allow a rest period of 2 minutes.", []),
    ("Stretch #3 is my favourite.", []),
    ("Warm up first.\n2. Cat cow stretch", []),
    ("Stand at the side of a chair.", []),
    (
        "Hold for 10 seconds, rest for 10 seconds, repeat 5 times.",
        [("hold_seconds", 10, 10), ("reps", 5, 5)],
    ),
    ("Hold for 2 seconds at the top and lower for 3 seconds.", [("hold_seconds", 2, 2)]),
    # A range left open at the very end of the text (the next number was cut off).
    ("hold for 30 seconds or", [("hold_seconds", 30, 30)]),
    ("hold for 30 seconds to", [("hold_seconds", 30, 30)]),
    ("Hold it 20 s -", [("hold_seconds", 20, 20)]),
]

TABLE = HOLD + REPS + SETS + SIDE + FREQUENCY + NEGATIVE


@pytest.mark.parametrize("text, expected", TABLE)
def test_dosage_find_table(text, expected):
    assert sorted(summary(d) for d in run(text)) == sorted(expected)


NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "ninety": 90, "hundred": 100,
}  # fmt: skip


@pytest.mark.parametrize("word, value", NUMBER_WORDS.items())
def test_dosage_number_words(word, value):
    assert [summary(d) for d in run(f"Do {word} reps.")] == [("reps", value, value)]
    assert [summary(d) for d in run(f"Hold for {word} seconds.")] == [("hold_seconds", value, value)]


GENERIC = [
    ("Hold each stretch 8-10 seconds.", True),
    ("Perform each stretch 5 times.", True),
    ("Make a stretch and hold it for 8-10 seconds.", True),
    ("Repeat every exercise 10 times.", True),
    ("All of these stretches should be held for 30 seconds.", True),
    ("Each of the exercises should be repeated 10 times.", True),
    ("These stretches should be held for 20 seconds.", True),
    ("Do 10 reps per exercise.", True),
    ("Hold all stretches for 30 seconds.", True),
    ("Do these exercises 10 times each.", True),
    ("Hold the following stretches for 20 seconds.", True),
    ("Hold the stretch for 30 seconds.", False),
    ("Hold each position for 5 seconds.", False),
    ("Repeat 10 times on each side.", False),
]


@pytest.mark.parametrize("text, generic", GENERIC)
def test_dosage_generic_cue(text, generic):
    found = run(text)
    assert found
    assert {d.generic for d in found} == {generic}


def test_dosage_generic_stays_in_its_sentence():
    nlp = spacy.blank("en")
    customize(nlp)
    nlp.add_pipe("sentencizer")
    doc = nlp("Hold each stretch for 30 seconds. Bridge: do 10 reps.\nCat cow: 5 times each side.")
    assert [(d.field, d.generic) for d in dosage.find(doc)] == [
        ("hold_seconds", True),
        ("reps", False),
        ("reps", False),
        ("per_side", False),
    ]


SPANS = [
    (
        "Lie down. Hold for 30 seconds, then relax.",
        "hold_seconds",
        "Hold for 30 seconds",
        "hold.verb_n_unit",
    ),
    ("Bridges: 2 sets of 10.", "sets", "2 sets of 10", "sets.n_sets_of_n"),
    ("Bridges: 2 sets of 10.", "reps", "2 sets of 10", "sets.n_sets_of_n"),
    ("Do ten of these.", "reps", "Do ten of these", "reps.verb_n_of_these"),
    ("Ten of these.", "reps", "Ten of these", "reps.n_of_these"),
    ("Knee rolls: 8 times", "reps", "8 times", "reps.label_n_times"),
    (
        "Cat cow – repeat on the other side.",
        "per_side",
        "repeat on the other side",
        "side.repeat_other_side",
    ),
    ("Frequency: 2x/day", "frequency", "2x/day", "freq.n_times_per_period"),
]


@pytest.mark.parametrize("text, field, quote, rule", SPANS)
def test_dosage_offsets_and_rule(text, field, quote, rule):
    found = [d for d in run(text) if d.field == field]
    assert [(text[d.start : d.end], d.rule) for d in found] == [(quote, rule)]


def test_dosage_find_on_a_longer_text():
    text = (
        "Knee to chest stretch\n"
        "Lie on your back. Pull one knee in and hold for 20-30 seconds.\n"
        "Repeat with the other leg.\n"
        "Do this 2 to 3 times, once or twice daily.\n"
        "Bridge\n"
        "Lift your hips and hold 5 seconds. 3 sets of 10. Rest 60 seconds between sets.\n"
    )
    got = [(summary(d), text[d.start : d.end]) for d in run(text)]
    assert got == [
        (("hold_seconds", 20, 30), "hold for 20-30 seconds"),
        (("per_side", True), "Repeat with the other leg"),
        (("reps", 2, 3), "Do this 2 to 3 times"),
        (("frequency", 1, 2, "day"), "once or twice daily"),
        (("hold_seconds", 5, 5), "hold 5 seconds"),
        (("reps", 10, 10), "3 sets of 10"),
        (("sets", 3, 3), "3 sets of 10"),
    ]


# --------------------------------------------------------------------------- negative corpus

NEGATIVE_DIR = files("pipeline.patterns").joinpath("negative")
DIMENSIONS = ["hold", "reps", "sets", "frequency", "other"]


def negative_sentences() -> list[tuple[str, str]]:
    rows = []
    for dimension in DIMENSIONS:
        text = NEGATIVE_DIR.joinpath(f"{dimension}.txt").read_text(encoding="utf-8")
        rows += [(dimension, line) for line in text.splitlines() if line.strip()]
    return rows


def test_dosage_negative_corpus_is_large_enough():
    rows = negative_sentences()
    assert len(rows) >= 60
    assert len({line for _, line in rows}) == len(rows), "a sentence is listed twice"
    assert {d for d, _ in rows} == set(DIMENSIONS)


@pytest.mark.parametrize("dimension, sentence", negative_sentences())
def test_dosage_negative_corpus_states_no_dosage(dimension, sentence):
    fields = {d.field for d in run(sentence)}
    assert not fields & {"hold_seconds", "reps", "sets"}
    if dimension == "frequency":
        assert "frequency" not in fields


# --------------------------------------------------------------------------- the rules themselves

RAW_LINES = [
    json.loads(line)
    for line in files("pipeline.patterns").joinpath("dosage.jsonl").read_text(encoding="utf-8").splitlines()
    if line.strip() and not line.lstrip().startswith("//")
]
PREFIX = {
    "HOLD": "hold", "REPS": "reps", "SETS": "sets", "SIDE": "side", "FREQUENCY": "freq",
    "BOTH_SIDES_TOGETHER": "both",
    "GENERIC": "generic", "TEMPO": "tempo", "REST": "rest", "COUNTDOWN": "countdown", "AGE": "age",
    "PERCENT": "percent", "ORDINAL": "ordinal", "NOT_DURATION": "notdur", "ROUTINE": "routine",
    "MULTIPLIER": "mult", "CONTEXT": "context", "PROGRESS": "progress",
}  # fmt: skip


def test_dosage_pattern_ids_are_unique_and_descriptive():
    ids = [line["id"] for line in RAW_LINES]
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    for line in RAW_LINES:
        assert re.fullmatch(r"[a-z]+\.[a-z0-9_]+", line["id"]), line["id"]
        assert line["id"].split(".")[0] == PREFIX[line["label"]], line["id"]
    assert set(PREFIX) == dosage.LABELS


@pytest.mark.parametrize("line", RAW_LINES, ids=[line["id"] for line in RAW_LINES])
def test_dosage_pattern_validates(line):
    assert validate_token_pattern(line["pattern"]) == []
    matcher = Matcher(build_tokenizer_nlp().vocab, validate=True)
    matcher.add(line["id"], [line["pattern"]])


def test_dosage_patterns_load_through_resources():
    entries = resources.patterns("dosage")
    assert len(entries) == len(RAW_LINES)
    assert dosage.pattern_labels() == {e.id: e.label for e in entries}
    vocab = build_tokenizer_nlp().vocab
    assert dosage.matcher(vocab) is dosage.matcher(vocab)
    assert len(dosage.matcher(vocab)) == len(entries)


def test_dosage_every_positive_pattern_is_exercised():
    fired = {d.rule for text, _ in TABLE + GENERIC for d in run(text)}
    positive = {line["id"] for line in RAW_LINES if line["label"] in dosage.FIELDS}
    assert positive - fired == set()


def test_dosage_every_negative_and_generic_pattern_is_exercised():
    nlp = build_tokenizer_nlp()
    matcher = dosage.matcher(nlp.vocab)
    texts = [text for text, _ in TABLE + GENERIC] + [line for _, line in negative_sentences()]
    fired = {nlp.vocab.strings[key] for doc in nlp.pipe(texts) for key, _, _ in matcher(doc)}
    others = {line["id"] for line in RAW_LINES if line["label"] not in dosage.FIELDS}
    assert others - fired == set()
