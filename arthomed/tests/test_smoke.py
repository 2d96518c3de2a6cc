def test_health_ok(client, db):
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json()["checks"]["database"] == "ok"


def test_unknown_api_route_is_json_404(api, db):
    response = api.get("/api/nope")
    assert response.status_code == 404
    body = response.json()
    assert body["success"] is False
    assert body["error"] == {"code": "NOT_FOUND", "statusCode": 404}
