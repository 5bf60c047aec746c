"""Lesson 2's analysis questions: the questions are in lessons/02_first_order/README.md, section "Questions".

Replace each ``None`` by your answer: a number (an int or a float), or for a multiple-choice
question one letter as a string, e.g. ``"b"``. Check with ``python -m grader check -k Questions2``.
"""

#: Q1. The largest learning rate for which gradient descent converges on the questions' quadratic (a float)
largest_stable_lr = None

#: Q2. Gradient descent's contraction factor per step at its best learning rate on that quadratic (a float)
gd_best_rate = None

#: Q3. Heavy ball's contraction factor per step at its best parameters on that quadratic (a float)
heavy_ball_rate = None

#: Q4. The number of gradient-descent steps on the 1-D quadratic (an int)
gd_steps_1d = None

#: Q5. The length of Adam's first step on the 3-D quadratic (a float)
adam_first_step = None

#: Q6. How the first steps of gradient descent and RMSprop change when the loss is multiplied by 100 (a letter)
rmsprop_loss_times_100 = None
