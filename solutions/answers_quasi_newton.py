"""Lesson 4's analysis questions: the questions are in lessons/04_quasi_newton/README.md, section "Questions".

Replace each ``None`` by your answer: a number (an int or a float), or for a multiple-choice
question one letter as a string, e.g. ``"b"``. Check with ``python -m grader check -k Questions4``.
"""

#: Q1. Which of the four pairs (s, y) does BFGS skip? (one letter: "a", "b", "c" or "d")
skipped_pair = "c"  # ANSWER

#: Q2. The number of steps (n_iter_) of BFGS with c2=1e-3 on the 6-D diagonal quadratic from ones (an int)
bfgs_steps_quadratic = 3  # ANSWER

#: Q3. The largest value of gamma = s.y / y.y over all steps on the lesson's quadratic (a float)
gamma_max = 0.6306  # ANSWER

#: Q4. The floats in the stored vectors s_i, y_i of one row, memory=10, d = 10**6 (an int)
lbfgs_floats = 20_000_000  # ANSWER

#: Q5. H_new after the step from x = 1 to x = 0.5 on L(x) = x^4 (a float)
secant_1d = 0.142857  # ANSWER
