c = get_config()  # noqa: F821
c.CourseDirectory.course_id = "sim-msw"
c.Exchange.root = "/srv/nbgrader/exchange"
# The course folder on its own volume (the sim-course claim); its course.yaml may name the gradebook,
# and $SIM_GRADEBOOK_URL (from the sim-gradebook secret) overrides it.
c.CourseDirectory.root = "/srv/course"
