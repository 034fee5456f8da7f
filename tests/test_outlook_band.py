"""The card's outlook step and the engine's outlook apply one test. The engine allows the pace ratio's 5 % band
(a required pace up to 1 ÷ 0.95 ≈ 1.0526 times the pace so far is on pace); the card printed «≤ 1» and judged
1.03 as 需加快 while the verdict said 预计可完成. Values by hand: 1.03 × 0.95 = 0.9785 ≤ 1; 1.06 × 0.95 = 1.007 > 1."""
from planeval.engine.pace import outlook
from planeval.engine.rules import load_rules
from planeval.labels import label
from planeval.report.arithmetic import outlook_rule
from planeval.report.methodology import thresholds_table


def test_inside_the_band_both_say_likely():
    rules = load_rules()
    assert outlook(1.03, None, 1.0, rules) == "likely"
    assert outlook_rule(1.03, None)[0][0] == f"加速系数 1.03 ≤ 1÷0.95≈1.05 → {label('outlook', 'likely')}"


def test_outside_the_band_both_say_acceleration():
    rules = load_rules()
    assert outlook(1.06, None, 1.0, rules) == "needs_acceleration"
    assert outlook_rule(1.06, None)[0][0].startswith("加速系数 1.06 在 1÷0.95≈1.05 与 ")


def test_the_methodology_table_shows_the_bound_in_force():
    assert "1÷0.95≈1.05" in thresholds_table()
