c = get_config()  # noqa: F821
c.CourseDirectory.course_id = "sim-msw"
c.Exchange.root = "/srv/nbgrader/exchange"
