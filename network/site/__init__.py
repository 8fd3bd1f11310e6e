"""Pages about the site itself: the open-data page, robots.txt, the sitemap, security.txt."""
