# A task's own judge for the R0 question: the threshold and the number of people.
import re


def check(answer, vars):
    threshold = re.search(r"60\s*[%％]", answer) is not None
    people = "10万" in answer or "100,000" in answer or "100000" in answer
    if not threshold:
        return False, "no 60% herd-immunity threshold"
    return people, "threshold 60%" + (" and 100,000 people" if people else " but not 100,000 people")
