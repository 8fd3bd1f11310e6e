"""The council charter: versions, articles, governance rules, adoption by vote."""
