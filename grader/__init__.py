"""The course's grader: derivative checks, property tests, trajectories and the optimizer contract.

Students: ``python -m grader check`` grades ``lessons/``; ``grader.gradcheck`` checks your own
derivatives. Instructors: ``python -m grader check solutions`` must give full marks.
"""
