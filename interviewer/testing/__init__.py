"""Test doubles that ship in the package because `interviewer bench` uses them too: a real local HTTP server
speaking the OpenAI API (`fake_openai`), and valid replies to the interviewer's own structured requests
(`model_replies`)."""
