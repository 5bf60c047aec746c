"""Lesson 1's analysis questions: the questions are in lessons/01_gradients_by_hand/README.md, section "Questions".

Replace each ``None`` by your answer: a number (an int or a float), or for a multiple-choice
question one letter as a string, e.g. ``"b"``. Check with ``python -m grader check -k Questions1``.
"""

#: Q1. How many points check_gradient evaluates f at, in total, for 50 points in d = 3 (an int)
gradcheck_evaluations = 600  # ANSWER

#: Q2. The step with the smallest central-difference error for exp at t = 1 in float64 ("a", "b", "c" or "d")
best_step = "b"  # ANSWER

#: Q3. The condition number of Rosenbrock(d=2)'s Hessian at (1, 1) (a float)
rosenbrock_condition = 2508.01  # ANSWER

#: Q4. The smallest eigenvalue of GaussianWells(d=2, n_wells=8, random_state=0)'s Hessian at (2, 0) (a float)
wells_min_eigenvalue = -0.0126  # ANSWER

#: Q5. d^2 f / dx0 dx1 of f(x) = log(exp(x0) + exp(x1) + exp(x0 + x1)) at (1, -1) (a float)
lse_hessian_entry = -0.0599  # ANSWER

#: Q6. The angle in degrees between -grad L of SquarePhysics at (3, 3) and the direction to the origin (a float)
square_angle = 41.8  # ANSWER
