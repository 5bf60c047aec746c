"""Lesson 5's analysis questions: the questions are in lessons/05_inversion/README.md, section "Questions".

Replace each ``None`` by your answer: a number (an int or a float), or for a multiple-choice
question one letter as a string, e.g. ``"b"``. Check with ``python -m grader check -k Questions5``.
"""

#: Q1. The factor by which one Newton step (lr=0.5) multiplies x1 on SquarePhysics (a float)
newton_x1_factor = 0.8333333333333334  # ANSWER

#: Q2. The alignment of PhysicalGradient's first step (lr=0.3) from (2, 1) (a float, 4 significant digits or more)
pg_first_alignment = 1.2275584504617472  # ANSWER

#: Q3. PhysicalGradient steps (lr=1, analytic inverse) from (3, 3) until the loss is exactly 0 (an int)
pg_steps_to_zero = 1  # ANSWER

#: Q4. The shape of InverseGradient's path in y space (lr=0.3, from (3, 3)): "a", "b", "c" or "d"
ig_y_path = "b"  # ANSWER

#: Q5. Which trajectories on ScaledQuadratic(alpha) change with alpha: "a", "b", "c" or "d"
alpha_dependence = "a"  # ANSWER

#: Q6. The distance to the origin after 10 PhysicalGradient steps (lr=0.5) from (2, -1.5) (a float, 4 significant digits or more)
pg_distance = 0.046915672458844974  # ANSWER
