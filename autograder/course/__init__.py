"""For instructors and team leads: the repository as an nbgrader course, class grading and the mastery reports."""
