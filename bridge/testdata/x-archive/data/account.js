window.YTD.account.part0 = [
  {
    "account": {
      "email": "devdocs@example.com",
      "createdVia": "web",
      "username": "devdocs_sample",
      "accountId": "2244994945",
      "createdAt": "2014-03-21T09:00:00.000Z",
      "accountDisplayName": "Dev Docs (sample)"
    }
  }
]
