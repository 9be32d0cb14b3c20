"""Helpers for the ConvNets course notebooks.

Importing the package is cheap: TensorFlow is only imported by the modules
that need it (``data``, ``images``' model helpers, ``models``) and by
:func:`setup`.
"""

from course_utils.config import PROFILES, Profile, get_profile, setup

__all__ = ["PROFILES", "Profile", "get_profile", "setup"]
__version__ = "0.1.0"
