def render_all(replay): return {}
