"""Lesson 3's analysis questions: the questions are in lessons/03_newton/README.md, section "Questions".

Replace each ``None`` by your answer: a number (an int or a float), or for a multiple-choice
question one letter as a string, e.g. ``"b"``. Check with ``python -m grader check -k Questions3``.
"""

#: Q1. The number of updates of Newton(lr=0.5, tol=1e-6) on the questions' quadratic from [3, -1] (an int)
newton_damped_steps = None

#: Q2. The shift mu of Newton's regularization for H = [[1, 2], [2, -2]] with damping 0.1 (a float)
regularization_mu = None

#: Q3. The number of halvings of Armijo backtracking on L = x^4 from x = 2 along -L'(2) (an int)
armijo_halvings = None

#: Q4. What one full step of unregularized Newton does on the saddle L = x0^2 - x1^2 - 2 x0 (a letter)
pure_newton_saddle = None

#: Q5. The length of ConditionScaledGD's first step on the rotated quadratic from [1, 0] (a float)
csgd_step_length = None

#: Q6. The number of updates of GaussNewton(lr=1, tol=1e-6) on the toy physics from [3, 3] (an int)
gauss_newton_steps = None
