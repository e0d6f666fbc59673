"""The Streamlit pages of the workbench (one module per page) and their shared widgets."""
