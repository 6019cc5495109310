"""Gradio pages. They map the service to widgets and back, and decide nothing the CLI would also need."""
