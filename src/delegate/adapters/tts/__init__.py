"""Text-to-speech engines behind the ``SpeechEngine`` port: piper (``delegate[voice]``),
espeak-ng (Debian package) and any OpenAI-compatible ``/v1/audio/speech`` server."""
