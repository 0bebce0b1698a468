from ninja import NinjaAPI

api = NinjaAPI(title="Meldpunt API", version="1")
