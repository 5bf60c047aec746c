"""Lesson 7's analysis questions: the questions are in lessons/07_stochastic/README.md, section "Questions".

Replace each ``None`` by your answer: a number (an int or a float), or for a multiple-choice
question one letter as a string, e.g. ``"b"``. Check with ``python -m grader check -k Questions7``.
"""

#: Q1. The variance of the minibatch gradient with b = 4 (without replacement) over that with b = 1 (a float)
variance_ratio = 0.14285714285714285  # ANSWER

#: Q2. The long-run mean of (x_t - x*)^2 for SGD(lr=0.2, batch_size=1) on the questions' finite sum (a float)
noise_ball = 0.19270833333333334  # ANSWER

#: Q3. The Langevin noise that spreads like SGD with batch_size 4 at the same lr (a float)
langevin_noise = 0.4977628523130841  # ANSWER

#: Q4. Which schedule satisfies both Robbins-Monro conditions (a letter)
robbins_monro = "a"  # ANSWER

#: Q5. Example gradients per snapshot period of SVRG with N = 200, batch_size 5, inner_steps 30 (an int)
svrg_gradients = 500  # ANSWER

#: Q6. The first coordinate of AdamW's first iterate on the 2-D quadratic (a float)
adamw_first_coordinate = 1.98  # ANSWER
