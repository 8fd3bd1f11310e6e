"""The register of resolutions, numbered DWCN/RES/<year>/<n>."""
