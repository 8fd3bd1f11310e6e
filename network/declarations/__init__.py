"""Joint declarations: texts in several languages, signatures, verification, exports."""
