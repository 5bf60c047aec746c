"""Lesson 6's analysis questions: the questions are in lessons/06_bakeoff/README.md, section "Questions".

Replace each ``None`` by your answer: a number (an int or a float), or for a multiple-choice
question one letter as a string, e.g. ``"b"``. Check with ``python -m grader check -k Questions6``.
"""

#: Q1. The mean of n_iter_ over Newton's starts on the bake-off's wells (a float)
newton_mean_steps_wells = None

#: Q2. The fraction of those starts that end in the deepest well, loss below -0.25 (a float between 0 and 1)
newton_deep_share_wells = None

#: Q3. The gradient evaluations one central-difference Hessian costs at one point in 20 dimensions (an int)
fd_hessian_grads = None

#: Q4. Which cost of Newton's steps the bake-off's counts leave out (a letter)
newton_undercount = None

#: Q5. What tuning the rates on the scored starts does to the comparison (a letter)
tuned_on_test = None
