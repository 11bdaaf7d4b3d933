window.YTD.tweets.part0 = [
  {
    "tweet": {
      "edit_info": {
        "initial": {
          "editTweetIds": [
            "1859174847114326017"
          ],
          "editableUntil": "2024-11-20T11:00:00.000Z",
          "editsRemaining": "5",
          "isEditEligible": true
        }
      },
      "retweeted": false,
      "source": "<a href=\"https://mobile.twitter.com\" rel=\"nofollow\">Twitter Web App</a>",
      "entities": {
        "hashtags": [],
        "symbols": [],
        "user_mentions": [],
        "urls": []
      },
      "display_text_range": [
        "0",
        "56"
      ],
      "favorite_count": "3",
      "id_str": "1859174847114326017",
      "truncated": false,
      "retweet_count": "0",
      "id": "1859174847114326017",
      "created_at": "Wed Nov 20 10:00:00 +0000 2024",
      "favorited": false,
      "full_text": "Archive day: exporting my posts &amp; reading them back.",
      "lang": "en"
    }
  },
  {
    "tweet": {
      "edit_info": {
        "initial": {
          "editTweetIds": [
            "1859176105434886146"
          ],
          "editableUntil": "2024-11-20T11:05:00.000Z",
          "editsRemaining": "5",
          "isEditEligible": true
        }
      },
      "retweeted": false,
      "source": "<a href=\"https://mobile.twitter.com\" rel=\"nofollow\">Twitter Web App</a>",
      "entities": {
        "hashtags": [],
        "symbols": [],
        "user_mentions": [],
        "urls": []
      },
      "display_text_range": [
        "0",
        "84"
      ],
      "favorite_count": "3",
      "id_str": "1859176105434886146",
      "truncated": false,
      "retweet_count": "0",
      "id": "1859176105434886146",
      "created_at": "Wed Nov 20 10:05:00 +0000 2024",
      "favorited": false,
      "full_text": "RT @ratelimits_sample: Rate limits, 2/3: back off exponentially, be kind to servers.",
      "lang": "en"
    }
  },
  {
    "tweet": {
      "edit_info": {
        "initial": {
          "editTweetIds": [
            "1859177363755446275"
          ],
          "editableUntil": "2024-11-20T11:10:00.000Z",
          "editsRemaining": "5",
          "isEditEligible": true
        }
      },
      "retweeted": false,
      "source": "<a href=\"https://mobile.twitter.com\" rel=\"nofollow\">Twitter Web App</a>",
      "entities": {
        "hashtags": [],
        "symbols": [],
        "user_mentions": [],
        "urls": []
      },
      "display_text_range": [
        "0",
        "525"
      ],
      "favorite_count": "3",
      "id_str": "1859177363755446275",
      "truncated": false,
      "retweet_count": "0",
      "id": "1859177363755446275",
      "created_at": "Wed Nov 20 10:10:00 +0000 2024",
      "favorited": false,
      "full_text": "A long post, the kind X Premium allows: the docs cover auth, pagination, rate limits &amp; webhooks, each with examples. the docs cover auth, pagination, rate limits &amp; webhooks, each with examples. the docs cover auth, pagination, rate limits &amp; webhooks, each with examples. the docs cover auth, pagination, rate limits &amp; webhooks, each with examples. the docs cover auth, pagination, rate limits &amp; webhooks, each with examples. the docs cover auth, pagination, rate limits &amp; webhooks, each with examples.",
      "lang": "en"
    }
  },
  {
    "tweet": {
      "edit_info": {
        "initial": {
          "editTweetIds": [
            "1859178622076006404"
          ],
          "editableUntil": "2024-11-20T11:15:00.000Z",
          "editsRemaining": "5",
          "isEditEligible": true
        }
      },
      "retweeted": false,
      "source": "<a href=\"https://mobile.twitter.com\" rel=\"nofollow\">Twitter Web App</a>",
      "entities": {
        "hashtags": [],
        "symbols": [],
        "user_mentions": [],
        "urls": []
      },
      "display_text_range": [
        "0",
        "45"
      ],
      "favorite_count": "3",
      "id_str": "1859178622076006404",
      "truncated": false,
      "retweet_count": "0",
      "id": "1859178622076006404",
      "created_at": "Wed Nov 20 10:15:00 +0000 2024",
      "favorited": false,
      "full_text": "Screenshots of a crash dump, click with care.",
      "lang": "en",
      "possibly_sensitive": true
    }
  }
]
